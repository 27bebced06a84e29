import ArgumentParser
import Foundation
import Logging
import Pipeline
import Postgres
import Warehouse

/// `pricing run`: the nightly job (docs/operations.md).
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "The nightly job: ingest, fit, publish and report under one lock, each step recorded.",
    discussion: """
      Settings come from the defaults, the configuration file (--config or $PRICING_CONFIG), PRICING_<SECTION>_<KEY>
      environment variables and the flags below, later ones winning; docs/operations.md lists them all. Exits with
      the first failing step's code (75 when another run holds the lock, 78 for a bad setting).
      """)

  @OptionGroup var options: GlobalOptions

  @Flag(name: .customLong("full-ingest"), help: "Reload every source table whole (the weekly cron line).")
  var fullIngest = false

  @Option(
    name: .customLong("as-of"), help: "First day priced and last day of the report, YYYY-MM-DD (default: today, UTC).")
  var asOf: String?

  @Option(name: .customLong("report-dir"), help: "The report folder (overrides report.dir; \"\" skips the report).")
  var reportDirectory: String?

  @Flag(
    help: """
      Run as if today were --as-of: publish requires the table to price that day instead of the real \
      date (replays on a staging warehouse, tests). Without it, a past --as-of fits but does not publish.
      """)
  var replay = false

  @Option(
    name: .customLong("metrics-file"),
    help: "Also write the run's metrics in the Prometheus text format to this file (atomically), also on failure.")
  var metricsFile: String?

  @Option(help: "Output: text (a line per step) or json (one run-result object, also on failure).")
  var format: String = "text"

  func validate() throws {
    if let asOf { _ = try DateFlag.parse(asOf, flag: "--as-of") }
    if replay && asOf == nil { throw ValidationError("--replay needs --as-of") }
    guard format == "text" || format == "json" else { throw ValidationError("--format must be text or json") }
    if let metricsFile, metricsFile.isEmpty { throw ValidationError("--metrics-file must name a file") }
  }

  func run() throws {
    let started = Date()
    var settings: PipelineConfig?
    var outcome: PipelineRunner.Outcome?
    var failure: CommandFailure?
    let statusDay = replay ? asOf.flatMap { LocalDate(iso: $0) } : nil
    do {
      var resolved = try options.settings()
      if let reportDirectory { try resolved.apply(flag: "--report-dir", setting: "report.dir", value: reportDirectory) }
      settings = resolved
      let logger = options.makeLogger("run", settings: resolved)
      // Stopped by a signal or the deadline, the run still leaves its JSON result and metrics behind.
      let (format, metricsFile, stopped) = (format, metricsFile, resolved)
      let interruption = InterruptionGuard(settings: resolved, deadline: resolved.runDeadlineSeconds) {
        reason, exitCode, runID in
        let result = RunResult(
          runID: runID, exitCode: exitCode, started: started, finished: Date(), steps: [], reportPath: nil,
          error: reason)
        _ = Self.emit(
          result, format: format, metricsFile: metricsFile,
          status: Self.status(stopped, today: statusDay), outcome: nil)
      }
      defer { withExtendedLifetime(interruption) {} }
      let day = try asOf.map { try DateFlag.parse($0, flag: "--as-of") } ?? SeedCommand.todayUTC()
      var runner = PipelineRunner(
        config: resolved, today: day, fullIngest: fullIngest, actor: PublishCommand.actor(), logger: logger,
        classify: { error in
          let failure = CommandFailure.from(error)
          return (failure.status.rawValue, failure.message)
        })
      if replay { runner.servingDay = day }
      outcome = try runner.run()
    } catch let error as ValidationError {
      throw error
    } catch {
      failure = CommandFailure.from(error)
    }
    let result = RunResult(
      runID: outcome?.runID, exitCode: outcome?.exitCode ?? failure?.status.rawValue ?? ExitStatus.software.rawValue,
      started: started, finished: Date(), steps: outcome?.steps ?? [], reportPath: outcome?.reportPath,
      error: failure?.message)
    if let failure { FileHandle.standardError.write(Data("pricing: error: \(failure.message)\n".utf8)) }
    let exitCode = Self.emit(
      result, format: format, metricsFile: metricsFile,
      // The warehouse's status, unless the run could not reach it (then neither can this); a replay's is
      // judged on its day, as its publish was.
      status: metricsFile == nil || failure?.status == .unavailable ? nil : settings.flatMap { Self.status($0, today: statusDay) },
      outcome: outcome)
    if exitCode != 0 { throw ExitCode(exitCode) }
  }

  /// Prints the result (text lines, or the JSON object) and writes the metrics file; returns the exit code,
  /// the run's, or 73 when the metrics file cannot be written after a run that succeeded.
  static func emit(
    _ result: RunResult, format: String, metricsFile: String?, status: StatusReport?, outcome: PipelineRunner.Outcome?
  ) -> Int32 {
    var exitCode = result.exit_code
    if format == "json" {
      FileHandle.standardOutput.write(result.json + Data("\n".utf8))
    } else if let outcome {
      for step in outcome.steps { print(line(step)) }
      if let path = outcome.reportPath { print("report: \(path)") }
      print("run \(outcome.runID): exit \(outcome.exitCode)")
    }
    if let metricsFile {
      do {
        try RunMetrics.write(
          RunMetrics.render(exitCode: exitCode, finishedAt: result.finished, steps: result.steps, status: status),
          to: metricsFile)
      } catch {
        let problem = CommandFailure.from(error)
        FileHandle.standardError.write(Data("pricing: error: \(problem.message)\n".utf8))
        if exitCode == 0 { exitCode = problem.status.rawValue }
      }
    }
    return exitCode
  }

  /// One step as the text output shows it.
  static func line(_ step: PipelineStepResult) -> String {
    var line = "\(step.step): \(step.status)"
    if let rows = step.rows { line += ", \(rows) rows" }
    if step.status != "skipped" { line += String(format: ", %.1f s", step.seconds) }
    if step.attempts > 1 { line += ", \(step.attempts) attempts" }
    if step.status != "succeeded" && step.status != "skipped", let error = step.error {
      line += " (exit \(step.exitCode)): \(error)"
    }
    return line
  }

  /// The warehouse's status after the run, for the metrics; nil when it cannot be read.
  static func status(_ settings: PipelineConfig, today: LocalDate?) -> StatusReport? {
    guard let schema = try? WarehouseSchema(name: settings.schema),
      let connection = try? Connection(
        conninfo: settings.warehouseConninfo, logger: Logger(label: "metrics", factory: { _ in SwiftLogNoOpLogHandler() }))
    else { return nil }
    return try? StatusCommand.report(connection, schema: schema, settings: settings, today: today)
  }
}
