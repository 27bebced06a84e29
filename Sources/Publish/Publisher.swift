import Foundation
import Logging
import Postgres
import Warehouse

/// `pricing publish` and `pricing rollback`: versioned price tables behind guardrails (CONTRACTS.md
/// section 2, docs/publish.md).
///
/// A version's rows are its model run's candidate rows, which the fit wrote with COPY (migration 8,
/// docs/publish.md). A publish checks them (guardrails), and then, in one short transaction, records the new
/// version (naming the run) and flips the one-row pointer `current_version` to it, with
/// `NOTIFY pricing_published, '<version_id>'`. Readers of `current_multipliers` see the old or the new
/// version whole (MVCC); nothing is copied, dropped or renamed. The publishing session sets `lock_timeout`
/// and `statement_timeout` so that it never queues readers behind it. A session-level advisory lock keeps
/// publishes and rollbacks single.
public struct Publisher {
  public struct Settings: Sendable {
    /// Largest share of cells allowed to move more than the daily limit against the current version.
    public var maxShareBeyondDailyLimit = 0.0
    /// Largest mean absolute relative change against the current version.
    public var maxMeanAbsoluteChange = 0.05
    /// Versions older than this are pruned after a publish (never the current or the previous one).
    public var retentionDays = 90
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

  /// Publishes a run's candidates (the latest model run by default) through the guardrails.
  public func publish(runID requested: Int64?, dryRun: Bool, force: Bool, actor: String) throws -> Outcome {
    try withLock {
      let run = try resolveRun(requested)
      let current = try currentVersion()
      let (checks, rows, moves) = try guardrails(run: run, current: current)
      let blocking = checks.filter { !$0.passed && (!$0.overridable || !force) }
      var outcome = Outcome(
        action: blocking.isEmpty ? "publish" : "reject", versionID: nil, previousVersionID: current?.version,
        runID: run,
        rows: rows, checks: checks, largestMoves: moves)
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
        to: .newVersion(rows: rows), action: "publish", run: run, forced: force, checks: checksJSON, actor: actor)
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
      logger.info("published version \(version) of run \(run)", metadata: ["rows": "\(rows)", "forced": "\(force)"])
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
    guard
      let latest = try connection.query("SELECT max(run_id) FROM \(schema.table("model_runs"))").single()
        .decode(Int64?.self, at: 0)
    else { throw PublishError(code: .notFound, message: "no model run to publish: run pricing fit first") }
    return latest
  }

  /// The current version and its run; nil before the first publish.
  private func currentVersion() throws -> (version: Int64, run: Int64)? {
    try connection.query("SELECT version_id, run_id FROM \(schema.table("current_version"))").rows.first.map {
      (try $0.decode(Int64.self, at: 0), try $0.decode(Int64.self, at: 1))
    }
  }

  /// The named checks, the candidate's row count, and the largest moves against the current version
  /// (`current`, nil before the first publish).
  func guardrails(run: Int64, current: (version: Int64, run: Int64)?) throws -> ([GuardrailCheck], Int, [String]) {
    let runRow = try connection.query(
      """
      SELECT status, array_to_string(reasons, '; '), as_of, horizon_days,
             (config->>'min_multiplier')::float8, (config->>'max_multiplier')::float8,
             (config->>'max_daily_change')::float8
      FROM \(schema.table("model_runs")) WHERE run_id = \(run)
      """
    ).single()
    let status = try runRow.decode(String.self, at: 0)
    let asOf = try runRow.decode(LocalDate.self, at: 2)
    let horizon = try runRow.decode(Int.self, at: 3)
    let low = try runRow.decode(Double.self, at: 4)
    let high = try runRow.decode(Double.self, at: 5)
    let dailyLimit = try runRow.decode(Double.self, at: 6)
    let candidates = schema.table("candidate_multipliers")
    var checks: [GuardrailCheck] = []
    checks.append(
      GuardrailCheck(
        name: "validation", passed: status == "fitted", overridable: true,
        detail: status == "fitted"
          ? "the model beat the baseline" : "run \(run) was \(status): \(try runRow.decode(String.self, at: 1))"))

    // The planner settings of the guardrail queries (reset after them): no parallel workers, so that the
    // publisher keeps to one core of a server it shares with the booking service's readers (a parallel
    // hash join had every worker build the whole hash); no nested loops and no plain index scans, which
    // the planner picks from its estimate for a run whose candidates it has not analysed yet (one row for a
    // million): a bitmap scan reads the current version's rows in 0.15 s where an index scan takes 0.5 s.
    try connection.execute("SET max_parallel_workers_per_gather = 0")
    try connection.execute("SET enable_nestloop = off")
    try connection.execute("SET enable_indexscan = off")
    defer {
      try? connection.execute("RESET max_parallel_workers_per_gather")
      try? connection.execute("RESET enable_nestloop")
      try? connection.execute("RESET enable_indexscan")
    }
    // Rows, NaN and bounds in one scan of the candidates.
    let counts = try connection.query(
      """
      SELECT count(*), count(*) FILTER (WHERE multiplier = 'NaN'::numeric),
             count(*) FILTER (WHERE multiplier <> 'NaN'::numeric
                              AND (multiplier < \(low)::numeric OR multiplier > \(high)::numeric))
      FROM \(candidates) WHERE run_id = \(run)
      """
    ).single()
    let rows = try counts.decode(Int.self, at: 0)
    let nan = try counts.decode(Int.self, at: 1)
    let outside = try counts.decode(Int.self, at: 2)
    checks.append(
      GuardrailCheck(name: "no_nan", passed: nan == 0, overridable: false, detail: "\(nan) NaN multipliers"))
    checks.append(
      GuardrailCheck(
        name: "bounds", passed: outside == 0, overridable: false,
        detail: "\(outside) multipliers outside [\(low), \(high)]"))
    // Coverage: every category x city with an active service, every band, every day of the horizon.
    // Counted (the candidates' primary key makes each present cell count once); an example of a missing
    // cell is looked up only when some are missing. The present cells are a semi-join with the active
    // pairs, which the planner hashes (12,000 pairs); joined to a CTE of the pairs instead, it hashed the
    // million candidates (0.31-0.37 s against 0.72-0.75 s). (Folded into the scan above as a left join with
    // filtered counts, it took longer than two queries: 0.75 s against 0.19 + 0.47 s.)
    let coverage = try connection.query(
      """
      SELECT (SELECT count(*) FROM (SELECT DISTINCT category, city FROM \(schema.table("services"))
                                    WHERE active AND NOT source_deleted) pairs)
             * (SELECT count(*) FROM \(schema.table("experience_bands"))) * \(Int64(horizon)),
             (SELECT count(*) FROM \(candidates) c
              WHERE c.run_id = \(run) AND c.experience_band IN (SELECT band FROM \(schema.table("experience_bands")))
                AND c.valid_on BETWEEN \(asOf) AND \(asOf)::date + \(Int32(horizon - 1))
                AND EXISTS (SELECT 1 FROM \(schema.table("services")) s
                            WHERE s.active AND NOT s.source_deleted AND s.category = c.category AND s.city = c.city))
      """
    ).single()
    let missingCount = try coverage.decode(Int.self, at: 0) - coverage.decode(Int.self, at: 1)
    var example = ""
    if missingCount > 0 {
      example = try connection.query(
        """
        WITH expected AS (
          SELECT DISTINCT s.category, s.city, b.band, d::date AS valid_on
          FROM \(schema.table("services")) s CROSS JOIN \(schema.table("experience_bands")) b
          CROSS JOIN generate_series(\(asOf)::date, \(asOf)::date + \(Int32(horizon - 1)), interval '1 day') d
          WHERE s.active AND NOT s.source_deleted)
        SELECT coalesce(min(e.category || ' in ' || e.city || ', ' || e.band || ', ' || e.valid_on), '')
        FROM expected e
        WHERE NOT EXISTS (
          SELECT 1 FROM \(candidates) c WHERE c.run_id = \(run) AND c.category = e.category AND c.city = e.city
            AND c.experience_band = e.band AND c.valid_on = e.valid_on)
        """
      ).scalar(String.self)
    }
    checks.append(
      GuardrailCheck(
        name: "coverage", passed: missingCount == 0, overridable: false,
        detail: missingCount == 0
          ? "every active category x city x band x day present"
          : "\(missingCount) cells missing, e.g. \(example)"))
    // Drift against the current version, on the cells both have, and the largest moves: one hash join of
    // the two versions' million rows. The current version's run is bound: joined through the view, the
    // planner cannot tell that the pointer selects one run and joins the candidates to every run's rows.
    // The change is computed in float8 (numeric division costs several times more), and the largest moves
    // are ordered by change and then by cell, so that their text is built for five rows, not a million.
    let drift = try connection.query(
      """
      WITH changes AS MATERIALIZED (
        SELECT c.category, c.city, c.experience_band, c.valid_on, p.multiplier AS before, c.multiplier AS after,
               abs(c.multiplier::float8 / p.multiplier::float8 - 1) AS change
        FROM \(candidates) c JOIN \(candidates) p
          ON p.run_id = \(current?.run) AND p.category = c.category AND p.city = c.city
         AND p.experience_band = c.experience_band AND p.valid_on = c.valid_on
        WHERE c.run_id = \(run) AND c.multiplier <> 'NaN'::numeric)
      SELECT count(*), coalesce(avg(change), 0)::float8,
             count(*) FILTER (WHERE change > \(dailyLimit) + 0.0001),
             coalesce((SELECT string_agg(
                 category || ' in ' || city || ', ' || experience_band || ', ' || valid_on || ': ' || before || ' -> '
                   || after, '|' ORDER BY change DESC, category, city, experience_band, valid_on)
               FROM (SELECT * FROM changes ORDER BY change DESC, category, city, experience_band, valid_on LIMIT 5) top),
               '')
      FROM changes
      """
    ).single()
    let compared = try drift.decode(Int.self, at: 0)
    let meanChange = try drift.decode(Double.self, at: 1)
    let beyond = try drift.decode(Int.self, at: 2)
    let share = compared > 0 ? Double(beyond) / Double(compared) : 0
    let driftOK = share <= settings.maxShareBeyondDailyLimit && meanChange <= settings.maxMeanAbsoluteChange
    checks.append(
      GuardrailCheck(
        name: "drift", passed: driftOK, overridable: true,
        detail: String(
          format: "%d of %d cells move more than %.0f%%; mean absolute change %.2f%%", beyond, compared,
          dailyLimit * 100,
          meanChange * 100)))
    let movesText = try drift.decode(String.self, at: 3)
    let moves = movesText.isEmpty ? [] : movesText.split(separator: "|").map(String.init)
    return (checks, rows, moves)
  }
}
