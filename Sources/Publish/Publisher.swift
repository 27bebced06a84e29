import Foundation
import Logging
import Postgres
import Warehouse

/// `pricing publish` and `pricing rollback`: versioned price tables behind guardrails (docs/contracts.md
/// section 2, docs/publish.md).
///
/// A version's rows are its model run's candidate rows, which the fit wrote with COPY (migration 8,
/// docs/publish.md). A publish checks them (guardrails), and then, in one short transaction, records the new
/// version (naming the run) and flips the one-row pointer `current_version` to it, with
/// `NOTIFY pricing_published, '<version_id>'`. Readers of `current_multipliers` see the old or the new
/// version whole (MVCC); nothing is copied, dropped or renamed. The publishing session sets `lock_timeout`
/// and `statement_timeout` so that it never queues readers behind it, and paces its guardrail queries while
/// other sessions are busy (`GuardrailPacer`). A session-level advisory lock keeps publishes and rollbacks
/// single.
public struct Publisher {
  public struct Settings: Sendable {
    /// Largest share of cells allowed to move more than the daily limit against the current version.
    public var maxShareBeyondDailyLimit = 0.0
    /// Largest mean absolute relative change against the current version.
    public var maxMeanAbsoluteChange = 0.05
    /// The `impact` guardrail: the largest expected GMV loss against flat prices or the current table, and the
    /// largest expected drop of bookings against the current table, as fractions (per currency).
    public var impactMaxGMVLoss = 0.005
    public var impactMaxBookingsDrop = 0.25
    /// Versions older than this are pruned after a publish (never the current or the previous one).
    public var retentionDays = 90
    /// While other sessions are busy on the server, the publisher pauses this many times as long as each
    /// guardrail query took before the next one (`GuardrailPacer`); 0 never pauses.
    public var pauseRatio = 2.0
    /// At most about how many candidate rows one drift query compares (a range of categories; a larger
    /// category is a query of its own). Two million: on a million candidates whose categories are spread
    /// over the whole table, four ranges cost 20-25% more of the server's CPU than one query (each range's
    /// bitmap scans read every block), and the pacing spreads whole queries as well as parts of one.
    public var driftChunkRows = 2_000_000
    /// The configured policy's bounds of every multiplier (`[policy]` min and max): the `bounds` guardrail
    /// checks these, so a run fitted under wider bounds than the configuration's is refused. Nil: the
    /// bounds the run was fitted with.
    public var bounds: ClosedRange<Double>?
    /// The day the booking service is serving (UTC): the candidate must price it (the `current` guardrail).
    /// Nil: the database server's current date in UTC.
    public var today: LocalDate?
    /// How the pacer pauses (tests record the pauses instead).
    public var sleep: @Sendable (Double) -> Void = { Thread.sleep(forTimeInterval: $0) }
    public init() {}
  }

  public struct Outcome: Sendable {
    public var action: String
    public var versionID: Int64?
    public var previousVersionID: Int64?
    public var runID: Int64?
    public var rows: Int
    public var checks: [GuardrailCheck]
    public var largestMoves: [String]
    /// Seconds of guardrail queries, and of pauses between them while the server was busy.
    public var guardrailSeconds = 0.0
    public var pausedSeconds = 0.0
  }

  public let connection: Connection
  public let schema: WarehouseSchema
  public let logger: Logger
  public var settings = Settings()

  public init(connection: Connection, schema: WarehouseSchema, logger: Logger) {
    self.connection = connection
    self.schema = schema
    self.logger = logger
  }

  public static func lockKey(_ schema: WarehouseSchema) -> Int64 {
    Connection.advisoryLockKey("pricing.publish." + schema.name.name)
  }

  private func withLock<T>(_ body: () throws -> T) throws -> T {
    let key = Self.lockKey(schema)
    guard try connection.tryAdvisoryLock(key) else {
      throw PublishError(code: .locked, message: "another publish or rollback holds the lock on schema \(schema.name)")
    }
    defer { _ = try? connection.advisoryUnlock(key) }
    try connection.execute("SET lock_timeout = '5s'; SET statement_timeout = '10min'")
    return try body()
  }

  // MARK: - Publish

  /// Publishes a run's candidates through the guardrails: `runID`, else the latest model run fitted by a
  /// `pricing run` (never a manual fit, which must be named).
  public func publish(runID requested: Int64?, dryRun: Bool, force: Bool, actor: String) throws -> Outcome {
    try withLock {
      let run = try resolveRun(requested)
      let current = try currentVersion()
      let findings = try guardrails(run: run, current: current)
      let checks = findings.checks
      let blocking = checks.filter { !$0.passed && (!$0.overridable || !force) }
      var outcome = Outcome(
        action: blocking.isEmpty ? "publish" : "reject", versionID: nil, previousVersionID: current?.version,
        runID: run, rows: findings.rows, checks: checks, largestMoves: findings.largestMoves,
        guardrailSeconds: findings.workSeconds, pausedSeconds: findings.pausedSeconds)
      logger.info(
        "guardrails of run \(run) took \(Self.format(findings.workSeconds)) s of queries",
        metadata: ["paused_seconds": "\(Self.format(findings.pausedSeconds))"])
      if dryRun { return outcome }
      let checksJSON = String(decoding: try JSONEncoder().encode(checks), as: UTF8.self)
      guard blocking.isEmpty else {
        try connection.query(
          """
          INSERT INTO \(schema.table("publish_events")) (action, run_id, from_version_id, forced, guardrails, decided_by)
          VALUES ('reject', \(run), \(outcome.previousVersionID), \(force), \(checksJSON)::jsonb, \(actor))
          """)
        throw PublishError(
          code: .rejected,
          message: "prices of run \(run) rejected by "
            + blocking.map { "\($0.name) (\($0.detail))" }.joined(separator: "; ")
            + "; the current version keeps serving", checks: checks)
      }
      let version = try flip(
        to: .newVersion(rows: findings.rows), action: "publish", run: run, forced: force, checks: checksJSON,
        actor: actor)
      outcome.versionID = version
      // Housekeeping after the flip: a failure here leaves the new version serving and is retried by the
      // next publish, so it is a warning, not the publish's failure.
      do {
        try prune()
        let prunedRuns = try pruneCandidates()
        if prunedRuns > 0 { logger.info("pruned the candidate multipliers of \(prunedRuns) old model run(s)") }
      } catch {
        logger.warning("published version \(version), but pruning old versions failed: \(error)")
      }
      logger.info(
        "published version \(version) of run \(run)", metadata: ["rows": "\(findings.rows)", "forced": "\(force)"])
      return outcome
    }
  }

  // MARK: - Rollback

  /// Makes an earlier version current again: the given one, or the previous one.
  public func rollback(to requested: Int64?, actor: String) throws -> Outcome {
    try withLock {
      let pointer = try connection.query(
        "SELECT version_id, previous_version_id FROM \(schema.table("current_version"))"
      ).rows.first
      guard let pointer else { throw PublishError(code: .notFound, message: "nothing is published yet") }
      let current = try pointer.decode(Int64.self, at: 0)
      guard let target = try requested ?? pointer.decode(Int64?.self, at: 1) else {
        throw PublishError(code: .notFound, message: "there is no previous version to roll back to")
      }
      // Flipping to the current version would make it its own previous one and lose the way back.
      guard target != current else {
        throw PublishError(code: .invalidRequest, message: "version \(target) is already current; nothing changed")
      }
      guard
        let version = try connection.query(
          """
          SELECT v.run_id, v.rows,
                 EXISTS (SELECT 1 FROM \(schema.table("candidate_multipliers")) m WHERE m.run_id = v.run_id)
          FROM \(schema.table("price_versions")) v WHERE v.version_id = \(target)
          """
        ).rows.first, try version.decode(Bool.self, at: 2)
      else { throw PublishError(code: .notFound, message: "version \(target) has no rows") }
      let run = try version.decode(Int64.self, at: 0)
      _ = try flip(to: .existing(target), action: "rollback", run: run, forced: false, checks: "[]", actor: actor)
      logger.info("rolled back from version \(current) to \(target)")
      return Outcome(
        action: "rollback", versionID: target, previousVersionID: current, runID: run,
        rows: try version.decode(Int.self, at: 1), checks: [], largestMoves: [])
    }
  }

  /// What the pointer is flipped to.
  private enum FlipTarget {
    /// A new version of the run, whose candidates (`rows` of them) passed the guardrails.
    case newVersion(rows: Int)
    /// A version recorded before (a rollback).
    case existing(Int64)
  }

  /// The pointer flip in one short transaction: the new version's record (for a publish), the pointer,
  /// the event and the notification. Returns the version now current.
  ///
  /// The pointer row is locked first, so that a flip killed while it waits leaves nothing behind; a new
  /// version's record becomes visible together with the pointer that names it.
  private func flip(
    to target: FlipTarget, action: String, run: Int64, forced: Bool, checks: String, actor: String
  ) throws -> Int64 {
    try connection.transaction { connection in
      let previous = try connection.query(
        "SELECT version_id FROM \(schema.table("current_version")) FOR UPDATE"
      ).rows.first.map { try $0.decode(Int64.self, at: 0) }
      let version: Int64
      switch target {
      case .newVersion(let rows):
        version = try connection.query(
          """
          INSERT INTO \(schema.table("price_versions")) (run_id, rows, published_at, forced, created_by)
          VALUES (\(run), \(Int64(rows)), now(), \(forced), \(actor)) RETURNING version_id
          """
        ).scalar(Int64.self)
      case .existing(let existing):
        version = existing
      }
      try connection.query(
        """
        INSERT INTO \(schema.table("current_version")) (singleton, version_id, run_id, previous_version_id, updated_at)
        VALUES (true, \(version), \(run), \(previous), now())
        ON CONFLICT (singleton) DO UPDATE
        SET version_id = EXCLUDED.version_id, run_id = EXCLUDED.run_id,
            previous_version_id = EXCLUDED.previous_version_id, updated_at = now()
        """)
      try connection.query(
        """
        INSERT INTO \(schema.table("publish_events")) (action, run_id, version_id, from_version_id, forced, guardrails, decided_by)
        VALUES (\(action), \(run), \(version), \(previous), \(forced), \(checks)::jsonb, \(actor))
        """)
      try connection.notify(channel: "pricing_published", payload: String(version))
      // A process told to stop (a signal, the run's deadline) records its run as interrupted: it must not
      // commit a new price pointer behind that record.
      guard !StopRequest.isRequested else {
        throw PublishError(code: .invalidRequest, message: "the process is stopping: the flip was rolled back")
      }
      return version
    }
  }

  // MARK: - Retention

  /// Deletes the records of versions created more than `retentionDays` ago, except the current and the
  /// previous one (the pointer's foreign keys protect them too). Returns how many versions were deleted.
  /// Their rows go with their runs' candidates (`pruneCandidates`), once no remaining version names the run.
  @discardableResult
  public func prune() throws -> Int {
    let pointer = schema.table("current_version")
    return try connection.query(
      """
      DELETE FROM \(schema.table("price_versions"))
      WHERE created_at < now() - make_interval(days => \(Int32(settings.retentionDays)))
        AND version_id NOT IN (SELECT version_id FROM \(pointer)
                               UNION SELECT previous_version_id FROM \(pointer) WHERE previous_version_id IS NOT NULL)
      """
    ).affectedRows
  }

  /// Deletes the candidate multipliers and their factors of model runs started more than `retentionDays`
  /// ago that no remaining version names (a version's rows are its run's candidates; the current and the
  /// previous version are never pruned, so their rows never are). The runs themselves (coefficients,
  /// metrics, status) stay. Returns how many runs lost their candidates.
  ///
  /// Every fit writes a candidate per cell with its factors (a million rows for a large marketplace):
  /// without this the table would grow by that much every night.
  @discardableResult
  public func pruneCandidates() throws -> Int {
    let candidates = schema.table("candidate_multipliers")
    let doomed = try connection.query(
      """
      SELECT m.run_id FROM \(schema.table("model_runs")) m JOIN \(schema.table("runs")) r ON r.run_id = m.run_id
      WHERE r.started_at < now() - make_interval(days => \(Int32(settings.retentionDays)))
        AND EXISTS (SELECT 1 FROM \(candidates) c WHERE c.run_id = m.run_id)
        AND NOT EXISTS (SELECT 1 FROM \(schema.table("price_versions")) v WHERE v.run_id = m.run_id)
      ORDER BY 1
      """
    ).rows.map { try $0.decode(Int64.self, at: 0) }
    for run in doomed {
      try connection.transaction { connection in
        try connection.query("DELETE FROM \(schema.table("candidate_factors")) WHERE run_id = \(run)")
        try connection.query("DELETE FROM \(candidates) WHERE run_id = \(run)")
      }
    }
    return doomed.count
  }

  // MARK: - Guardrails

  private func resolveRun(_ requested: Int64?) throws -> Int64 {
    if let requested {
      guard
        try connection.query(
          "SELECT count(*) FROM \(schema.table("model_runs")) WHERE run_id = \(requested)"
        ).scalar(Int.self) == 1
      else { throw PublishError(code: .notFound, message: "no model run \(requested)") }
      return requested
    }
    // The latest fit of a `pricing run` (its fit step names the model run); a manual `pricing fit` (an
    // analyst's experiment, a backfill) is published only when named.
    guard
      let latest = try connection.query(
        """
        SELECT max((s.details->>'fit_run_id')::bigint)
        FROM \(schema.table("run_steps")) s JOIN \(schema.table("runs")) r USING (run_id)
        WHERE r.command = 'run' AND s.step = 'fit' AND s.details ? 'fit_run_id'
        """
      ).single().decode(Int64?.self, at: 0)
    else {
      throw PublishError(
        code: .notFound,
        message: "no model run of pricing run to publish: run pricing run, or name a manual fit with --run ID")
    }
    // A table republished with overrides (`--reapply-overrides`) after that fit would lose them.
    if let served = try connection.query(
      """
      SELECT c.run_id FROM \(schema.table("current_version")) c JOIN \(schema.table("runs")) r USING (run_id)
      WHERE r.command = 'reapply-overrides' AND c.run_id > \(latest)
      """
    ).rows.first.map({ try $0.decode(Int64.self, at: 0) }) {
      throw PublishError(
        code: .invalidRequest,
        message:
          "the served table (run \(served)) has overrides reapplied after run \(latest), the latest fit of pricing run: "
          + "publishing that fit would drop them; run pricing run (its fit applies the overrides), or name a run with --run")
    }
    let newest = try connection.query(
      """
      SELECT max(m.run_id) FROM \(schema.table("model_runs")) m JOIN \(schema.table("runs")) r USING (run_id)
      WHERE r.command = 'fit'
      """
    ).single().decode(Int64?.self, at: 0)
    if let newest, newest > latest {
      logger.warning(
        "publishing run \(latest), the latest fit of pricing run; the newer manual fit \(newest) is published only with --run \(newest)")
    }
    return latest
  }

  /// The current version and its run; nil before the first publish.
  private func currentVersion() throws -> (version: Int64, run: Int64)? {
    try connection.query("SELECT version_id, run_id FROM \(schema.table("current_version"))").rows.first.map {
      (try $0.decode(Int64.self, at: 0), try $0.decode(Int64.self, at: 1))
    }
  }

  private static func format(_ seconds: Double) -> String { String(format: "%.3f", seconds) }
}
