import Foundation
import Postgres

/// What `pricing status` shows: the last runs with their steps, the current price version and its age,
/// the freshness of the ingested data, and open data-quality problems. `problems` lists what makes the
/// pipeline unhealthy (the last run failed, prices older than the threshold, nothing published).
public struct StatusReport: Codable, Sendable {
  public struct Step: Codable, Sendable {
    public var step: String
    public var status: String
    public var rows: Int64?
    public var error: String?
  }
  public struct Run: Codable, Sendable {
    public var run_id: Int64
    public var command: String
    public var status: String
    public var started_at: String
    public var seconds: Double?
    public var exit_code: Int?
    public var error: String?
    /// The program version that ran it (`pricing --version`).
    public var version: String?
    public var steps: [Step]
  }
  public struct Version: Codable, Sendable {
    public var version_id: Int64
    public var run_id: Int64
    public var rows: Int64
    public var published_at: String
    public var age_hours: Double
    /// The days its prices cover.
    public var first_day: String?
    public var last_day: String?
  }
  public struct Freshness: Codable, Sendable {
    public var table: String
    public var watermark: String?
    public var last_ingested_at: String
    public var age_hours: Double
  }

  public var runs: [Run]
  public var current_version: Version?
  public var freshness: [Freshness]
  public var quarantined_by_rule: [String: Int]
  public var open_reconciliation_exceptions: [String: Int]
  public var problems: [String]
  /// When a `pricing run` last succeeded (seconds since 1970), if ever.
  public var last_success_epoch: Double?

  public var healthy: Bool { problems.isEmpty }

  /// Reads the status; `maxAgeHours` is how old the current prices may be before it is a problem.
  /// The holiday calendar as status judges it: its file, its last day (nil when it holds none, or could not
  /// be read: `error`), and the horizon it must reach.
  public struct Calendar: Sendable {
    public var file: String
    public var lastDay: LocalDate?
    public var error: String?
    public var horizonDays: Int
    /// What the file is, as messages name it, and how to extend it.
    public var kind = "holiday calendar"
    public var remedy = "regenerate it (jobs/make-holidays)"

    public init(file: String, lastDay: LocalDate?, error: String?, horizonDays: Int) {
      self.file = file
      self.lastDay = lastDay
      self.error = error
      self.horizonDays = horizonDays
    }

    /// What is wrong with the calendar for a horizon starting `today`, in one line, or nil.
    public func problem(today: LocalDate) -> String? {
      let horizonEnd = today.adding(days: horizonDays - 1)
      if let error { return "the \(kind) cannot be read: \(error)" }
      guard let lastDay else { return "the \(kind) \(file) holds no dates" }
      guard lastDay < horizonEnd else { return nil }
      return "the \(kind) \(file) ends on \(lastDay), before the horizon's last day \(horizonEnd): \(remedy)"
    }
  }

  /// `today` is the day the current prices must cover (the server's date in UTC when nil). `calendar`, when
  /// given: a calendar that cannot be read, or ends before the horizon does, is a problem.
  public static func read(
    _ connection: Connection, schema: WarehouseSchema, maxAgeHours: Double, today: LocalDate? = nil,
    calendar: Calendar? = nil, runs limit: Int = 10
  ) throws -> StatusReport {
    var runs: [Run] = []
    for row in try connection.query(
      """
      SELECT run_id, command, status, to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),
             extract(epoch FROM finished_at - started_at)::float8, exit_code, error, version
      FROM \(schema.table("runs")) ORDER BY run_id DESC LIMIT \(limit)
      """
    ).rows {
      let id = try row.decode(Int64.self, at: 0)
      let steps = try connection.query(
        "SELECT step, status, rows, error FROM \(schema.table("run_steps")) WHERE run_id = \(id) ORDER BY started_at"
      ).rows.map {
        Step(step: try $0.decode(String.self, at: 0), status: try $0.decode(String.self, at: 1),
             rows: try $0.decode(Int64?.self, at: 2), error: try $0.decode(String?.self, at: 3))
      }
      runs.append(
        Run(run_id: id, command: try row.decode(String.self, at: 1), status: try row.decode(String.self, at: 2),
            started_at: try row.decode(String.self, at: 3), seconds: try row.decode(Double?.self, at: 4),
            exit_code: try row.decode(Int?.self, at: 5), error: try row.decode(String?.self, at: 6),
            version: try row.decode(String?.self, at: 7), steps: steps))
    }
    let version = try connection.query(
      """
      SELECT v.version_id, v.run_id, v.rows, to_char(v.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),
             extract(epoch FROM now() - c.updated_at)::float8 / 3600,
             m.as_of::text, (m.as_of + m.horizon_days - 1)::text
      FROM \(schema.table("current_version")) c JOIN \(schema.table("price_versions")) v USING (version_id)
      LEFT JOIN \(schema.table("model_runs")) m ON m.run_id = v.run_id
      """
    ).rows.first.map {
      Version(version_id: try $0.decode(Int64.self, at: 0), run_id: try $0.decode(Int64.self, at: 1),
              rows: try $0.decode(Int64.self, at: 2), published_at: try $0.decode(String?.self, at: 3) ?? "",
              age_hours: try $0.decode(Double.self, at: 4), first_day: try $0.decode(String?.self, at: 5),
              last_day: try $0.decode(String?.self, at: 6))
    }
    let freshness = try connection.query(
      """
      SELECT source_table, to_char(watermark AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),
             to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),
             extract(epoch FROM now() - updated_at)::float8 / 3600
      FROM \(schema.table("ingest_watermarks")) ORDER BY source_table
      """
    ).rows.map {
      Freshness(table: try $0.decode(String.self, at: 0), watermark: try $0.decode(String?.self, at: 1),
                last_ingested_at: try $0.decode(String.self, at: 2), age_hours: try $0.decode(Double.self, at: 3))
    }
    func counts(_ query: SQLQuery) throws -> [String: Int] {
      var result: [String: Int] = [:]
      for row in try connection.query(query).rows { result[try row.decode(String.self, at: 0)] = try row.decode(Int.self, at: 1) }
      return result
    }
    let quarantined = try counts(
      "SELECT source_table || '.' || rule, count(*) FROM \(schema.table("quarantine")) GROUP BY 1")
    let exceptions = try counts(
      "SELECT kind, count(*) FROM \(schema.table("reconciliation_exceptions")) GROUP BY 1")

    let today = try today ?? connection.query("SELECT (now() AT TIME ZONE 'UTC')::date").scalar(LocalDate.self)
    var problems = try Self.problems(
      connection, schema: schema, runs: runs, version: version, maxAgeHours: maxAgeHours, today: today)
    if let problem = calendar?.problem(today: today) { problems.append(problem) }
    let lastSuccess = try connection.query(
      "SELECT extract(epoch FROM max(finished_at))::float8 FROM \(schema.table("runs")) WHERE command = 'run' AND status = 'succeeded'"
    ).single().decode(Double?.self, at: 0)
    return StatusReport(
      runs: runs, current_version: version, freshness: freshness, quarantined_by_rule: quarantined,
      open_reconciliation_exceptions: exceptions, problems: problems, last_success_epoch: lastSuccess)
  }

  /// What makes the pipeline unhealthy, each in one line:
  /// - the newest `pricing run` failed or was rejected (naming the step), or the newest run of any command
  ///   failed;
  /// - a run marked `running` whose process is gone (`RunRecorder.isInterrupted`; the next `pricing run`
  ///   closes it);
  /// - no prices, prices older than `maxAgeHours`, or prices whose days do not include `today`.
  static func problems(
    _ connection: Connection, schema: WarehouseSchema, runs: [Run], version: Version?, maxAgeHours: Double,
    today: LocalDate
  ) throws -> [String] {
    var problems: [String] = []
    let pipeline = try connection.query(
      """
      SELECT r.run_id, r.status, r.exit_code, r.error,
             (SELECT s.step FROM \(schema.table("run_steps")) s
              WHERE s.run_id = r.run_id AND s.status IN ('failed', 'rejected') ORDER BY s.started_at LIMIT 1)
      FROM \(schema.table("runs")) r WHERE r.command = 'run' ORDER BY r.run_id DESC LIMIT 1
      """
    ).rows.first
    var reported: Int64?
    if let pipeline, case let status = try pipeline.decode(String.self, at: 1), status == "failed" || status == "rejected" {
      let id = try pipeline.decode(Int64.self, at: 0)
      let step = try pipeline.decode(String?.self, at: 4).map { " at step \($0)" } ?? ""
      let code = try pipeline.decode(Int?.self, at: 2).map { " (exit \($0))" } ?? ""
      problems.append(
        "the last pricing run (\(id)) \(status == "failed" ? "failed" : "was rejected")\(step)\(code): "
          + (try pipeline.decode(String?.self, at: 3) ?? "no message"))
      reported = id
    }
    if let last = runs.first, last.status == "failed", last.run_id != reported {
      problems.append("the last run (\(last.run_id), \(last.command)) failed: \(last.error ?? "no message")")
    }
    for run in try RunRecorder.interruptedRuns(connection, schema: schema) {
      problems.append(
        "run \(run.runID) (\(run.command)) was interrupted: recorded as running, but its process "
          + "(\(run.host ?? "?") pid \(run.pid.map(String.init) ?? "?")) is gone; the next pricing run closes it")
    }
    if let version {
      if version.age_hours > maxAgeHours {
        problems.append(String(format: "the current prices (version %lld) are %.1f hours old", version.version_id, version.age_hours))
      }
      if let first = version.first_day.flatMap(LocalDate.init(iso:)), let last = version.last_day.flatMap(LocalDate.init(iso:)),
        !(first <= today && today <= last)
      {
        problems.append(
          "the current prices (version \(version.version_id)) cover \(first)..\(last), not today \(today): "
            + "the booking service has no multiplier for today")
      }
    } else {
      problems.append("no prices are published")
    }
    return problems
  }

  /// The report for people.
  public var text: String {
    var lines = ["last runs:"]
    for run in runs {
      let seconds = run.seconds.map { String(format: "%.1f s", $0) } ?? "running"
      lines.append(
        "  run \(run.run_id) \(run.command) \(run.status) at \(run.started_at) UTC (\(seconds))"
          + (run.version.map { ", pricing \($0)" } ?? ""))
      if run.command == "run" && !run.steps.isEmpty {
        lines.append("    steps: " + run.steps.map { "\($0.step) \($0.status)" }.joined(separator: ", "))
      }
      for step in run.steps where step.status != "succeeded" && step.status != "skipped" || step.error != nil && step.status != "skipped" {
        lines.append("    step \(step.step) \(step.status)\(step.error.map { ": \($0)" } ?? "")")
      }
    }
    if let version = current_version {
      lines.append(
        String(format: "current prices: version %lld of run %lld, %lld rows, published %@ UTC (%.1f hours ago)",
               version.version_id, version.run_id, version.rows, version.published_at, version.age_hours))
    } else {
      lines.append("current prices: none published")
    }
    lines.append("ingested data:")
    for table in freshness {
      lines.append(String(format: "  %@: ingested %@ UTC (%.1f hours ago), watermark %@", table.table,
                          table.last_ingested_at, table.age_hours, table.watermark ?? "-"))
    }
    let quarantinedTotal = quarantined_by_rule.values.reduce(0, +)
    let exceptionTotal = open_reconciliation_exceptions.values.reduce(0, +)
    lines.append("data quality: \(quarantinedTotal) quarantined rows, \(exceptionTotal) open reconciliation exceptions")
    lines.append(problems.isEmpty ? "healthy" : "problems:\n" + problems.map { "  - \($0)" }.joined(separator: "\n"))
    return lines.joined(separator: "\n")
  }
}
