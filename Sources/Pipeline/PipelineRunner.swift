import Fitting
import Foundation
import Ingest
import Logging
import Postgres
import PricingModel
import Publish
import Reports
import Warehouse

/// `pricing run`: ingest, fit, publish and report under one warehouse advisory lock, each step recorded
/// in `runs` / `run_steps` (command `run`), transient database failures retried per `RetryPolicy`.
///
/// A failed or rejected step skips the later steps except the report, which shows what failed; prices
/// already serving stay (publish is atomic and only runs after a fitted model). The outcome's exit code
/// is the first failing step's. A second `pricing run` on the same schema fails at once with
/// `PipelineError.locked` before recording anything.
public struct PipelineRunner {
  public struct Outcome: Sendable {
    public var runID: Int64
    public var steps: [PipelineStepResult]
    public var exitCode: Int32
    public var reportPath: String?
  }

  /// Maps a step's error to its exit code and one-line message (the command line's mapping).
  public typealias Classifier = @Sendable (Error) -> (exitCode: Int32, message: String)

  public let config: PipelineConfig
  public let logger: Logger
  public let classify: Classifier
  /// The first day priced (fit's as-of) and the report's last day.
  public var today: LocalDate
  public var fullIngest: Bool
  /// The day the booking service is serving, which the published table must price (publish's `current`
  /// guardrail). Nil: the database server's date in UTC. A replay sets it to `today`.
  public var servingDay: LocalDate?
  public var actor: String
  /// The steps to run (all by default; `pricing simulate` runs ingest alone on days it does not refit).
  public var steps = Set(PipelineStep.allCases)
  /// Injected in tests to observe or shorten waits.
  public var sleep: @Sendable (Double) -> Void = { Thread.sleep(forTimeInterval: $0) }

  public init(
    config: PipelineConfig, today: LocalDate, fullIngest: Bool, actor: String, logger: Logger,
    classify: @escaping Classifier
  ) {
    self.config = config
    self.today = today
    self.fullIngest = fullIngest
    self.actor = actor
    self.logger = logger
    self.classify = classify
  }

  public static func lockKey(_ schema: WarehouseSchema) -> Int64 {
    schema.runLockKey
  }

  // MARK: - The run

  public func run() throws -> Outcome {
    let schema = try WarehouseSchema(name: config.schema)
    // Every setting is checked before any database is touched, the calendar the fit will use included.
    let holidays = try config.holidays()
    let events = try config.events()
    let retry = config.retryPolicy
    let conninfo = config.warehouseConninfo
    let lockKey = Self.lockKey(schema)
    var lock = try retry.run("connecting to the warehouse", logger: logger, sleep: sleep) {
      try Connection(conninfo: conninfo, logger: logger)
    }.value
    guard try lock.tryAdvisoryLock(lockKey) else {
      throw PipelineError(code: .locked, message: "another pricing run holds the lock on schema \(schema.name)")
    }
    defer { _ = try? lock.advisoryUnlock(lockKey) }
    try schema.requireMigrated(lock)
    // Runs killed without a chance to close their records (SIGKILL, a power cut) are closed now: this run
    // holds the lock, so no other `pricing run` is alive.
    let interrupted = try RunRecorder.closeInterrupted(lock, schema: schema, runLockHeld: true)
    if !interrupted.isEmpty {
      logger.warning("closed runs left open by a process that is gone", metadata: ["runs": "\(interrupted)"])
    }

    /// After a lost connection the session lock is gone with it: take it again or give up.
    func ensureLock() throws {
      if (try? lock.execute("SELECT 1")) != nil { return }
      lock = try Connection(conninfo: conninfo, logger: logger)
      guard try lock.tryAdvisoryLock(lockKey) else {
        throw PipelineError(
          code: .locked,
          message: "another pricing run took the lock on schema \(schema.name) while this one reconnected")
      }
    }

    let parameters =
      "{\"full_ingest\": \(fullIngest || config.fullIngest), \"as_of\": \"\(today)\", \"actor\": \(Self.jsonString(actor))}"
    let recorder = try retry.run("recording the run", logger: logger, sleep: sleep) {
      try PipelineRecorder(conninfo: conninfo, schema: schema, retry: retry, logger: logger, parameters: parameters)
    }.value
    var runLogger = logger
    runLogger[metadataKey: "run_id"] = "\(recorder.runID)"
    runLogger.info("run started", metadata: ["as_of": "\(today)", "full_ingest": "\(fullIngest || config.fullIngest)"])

    var results: [PipelineStepResult] = []
    var failure: PipelineStepResult?
    var fitRunID: Int64?
    var reportPath: String?
    for step in PipelineStep.allCases where steps.contains(step) {
      if step == .report && config.reportDirectory.isEmpty { continue }
      if let failure, !step.runsAfterFailure {
        let reason = "skipped: step \(failure.step) \(failure.status)"
        try recorder.record { try $0.skip(step: step.rawValue, reason: reason) }
        results.append(
          PipelineStepResult(
            step: step.rawValue, status: "skipped", rows: nil, exitCode: 0, error: reason, attempts: 0, seconds: 0,
            details: [:]))
        continue
      }
      var stepLogger = runLogger
      stepLogger[metadataKey: "step"] = "\(step.rawValue)"
      try recorder.record { try $0.begin(step: step.rawValue) }
      stepLogger.info("step started")
      let started = Date()
      var result: PipelineStepResult
      var attempts = 0
      do {
        let (output, _) = try retry.run(step.rawValue, logger: stepLogger, sleep: sleep, beforeRetry: ensureLock) {
          attempts += 1
          return try perform(
            step, schema: schema, fitRunID: fitRunID, holidays: holidays, events: events, logger: stepLogger)
        }
        if step == .fit { fitRunID = output.details["fit_run_id"].flatMap { Int64($0) } }
        if step == .report { reportPath = output.details["path"] }
        result = PipelineStepResult(
          step: step.rawValue, status: "succeeded", rows: output.rows, exitCode: 0, error: nil, attempts: attempts,
          seconds: Date().timeIntervalSince(started), details: output.details)
      } catch {
        let (code, message) = classify(error)
        let rejected = (error as? PipelineError)?.code == .rejected || (error as? PublishError)?.code == .rejected
        result = PipelineStepResult(
          step: step.rawValue, status: rejected ? "rejected" : "failed", rows: nil, exitCode: code, error: message,
          attempts: attempts, seconds: Date().timeIntervalSince(started), details: [:])
        stepLogger.error(
          "step \(result.status)", metadata: ["exit_code": "\(code)", "error": "\(message)", "attempts": "\(attempts)"])
        if failure == nil { failure = result }
      }
      let finished = result
      try recorder.record {
        try $0.end(
          step: step.rawValue, status: finished.status, rows: finished.rows, exitCode: finished.exitCode,
          error: finished.error,
          details: Self.json(finished.details.merging(["attempts": "\(finished.attempts)"]) { $1 }))
      }
      if result.status == "succeeded" {
        stepLogger.info(
          "step succeeded",
          metadata: [
            "rows": "\(result.rows ?? 0)", "seconds": "\(String(format: "%.2f", result.seconds))",
            "attempts": "\(attempts)",
          ])
      }
      results.append(result)
    }
    let exitCode = failure?.exitCode ?? 0
    let status = failure?.status ?? "succeeded"
    // An ingest or fit attempt that lost its connection could not close its own record; this run retried it.
    try recorder.record { try $0.closeAbandonedAttempts() }
    try recorder.record {
      try $0.finish(status: status, exitCode: exitCode, error: failure.map { "\($0.step): \($0.error ?? "")" })
    }
    runLogger.info("run \(status)", metadata: ["exit_code": "\(exitCode)"])
    return Outcome(runID: recorder.runID, steps: results, exitCode: exitCode, reportPath: reportPath)
  }

  // MARK: - Steps

  /// The exit status of a step's error, as its own command would exit (recorded in the step's `runs` row).
  private var exitCode: @Sendable (Error) -> Int32 {
    let classify = self.classify
    return { classify($0).exitCode }
  }

  struct StepOutput {
    var rows: Int64?
    var details: [String: String]
  }

  private func perform(
    _ step: PipelineStep, schema: WarehouseSchema, fitRunID: Int64?, holidays: [(country: String, date: LocalDate)],
    events: EventCalendar, logger: Logger
  ) throws -> StepOutput {
    switch step {
    case .ingest:
      let summary = try Ingestor(
        options: IngestOptions(
          sourceConninfo: config.source, warehouseConninfo: config.warehouseConninfo,
          sourceSchema: try SQLIdentifier(config.sourceSchema), warehouse: schema,
          full: fullIngest || config.fullIngest,
          overlapSeconds: config.overlapMinutes * 60, exitCode: exitCode),
        logger: logger
      ).run()
      return StepOutput(
        rows: Int64(summary.tables.reduce(0) { $0 + $1.read }),
        details: ["ingest_run_id": "\(summary.runID)", "open_exceptions": "\(summary.openExceptions)"])
    case .fit:
      var options = FitOptions(
        warehouseConninfo: config.warehouseConninfo, schema: schema, asOf: today, policy: config.policy,
        model: config.model, holidays: holidays, exitCode: exitCode)
      options.events = events
      options.eventsFile = config.eventsFile
      let outcome = try FitRunner(options: options, logger: logger).run()
      guard outcome.status == "fitted" else {
        throw PipelineError(
          code: .rejected,
          message: "model run \(outcome.runID) rejected: \(outcome.reasons.joined(separator: "; "))")
      }
      return StepOutput(rows: Int64(outcome.candidates), details: ["fit_run_id": "\(outcome.runID)"])
    case .publish:
      guard let fitRunID else { throw PipelineError(code: .rejected, message: "no fitted model to publish") }
      var publisher = Publisher(
        connection: try Connection(conninfo: config.warehouseConninfo, logger: logger), schema: schema, logger: logger)
      publisher.settings = config.publisherSettings
      // The table must price the day being served: the real date, unless this is a replay.
      publisher.settings.today = servingDay
      let outcome = try publisher.publish(runID: fitRunID, dryRun: false, force: false, actor: actor)
      return StepOutput(
        rows: Int64(outcome.rows),
        details: ["version_id": outcome.versionID.map { "\($0)" } ?? "", "action": outcome.action])
    case .report:
      let period = try ReportPeriod(from: today.adding(days: 1 - config.reportDays), to: today)
      let connection = try Connection(conninfo: config.warehouseConninfo, logger: logger)
      // A second session runs the customer scans beside the rest; without one the report runs serially.
      let beside = try? Connection(conninfo: config.warehouseConninfo, logger: logger)
      let outcome = try ReportBuilder(schema: schema, settings: config.report, logger: logger)
        .build(
          connection, beside: beside, period: period, into: URL(fileURLWithPath: config.reportDirectory), calendar: config.calendar,
          today: today)
      // The current report is written; a failed archive still fails the step (exit 73).
      if let error = outcome.archiveError { throw error }
      return StepOutput(
        rows: Int64(outcome.rows), details: ["path": outcome.directory.appendingPathComponent("index.html").path])
    }
  }

  // MARK: - JSON

  static func jsonString(_ text: String) -> String {
    String(decoding: (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
  }

  static func json(_ values: [String: String]) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return String(decoding: (try? encoder.encode(values)) ?? Data("{}".utf8), as: UTF8.self)
  }
}
