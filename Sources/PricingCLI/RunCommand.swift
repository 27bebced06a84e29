import ArgumentParser
import Foundation
import Logging
import Pipeline
import Postgres

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

  @Option(help: "The configuration file (TOML subset; default: $PRICING_CONFIG, else built-in defaults).")
  var config: String?

  @Option(help: "Source database (overrides database.source).")
  var source: String?

  @Option(help: "Warehouse database (overrides database.warehouse).")
  var warehouse: String?

  @Option(name: .customLong("schema"), help: "The pipeline's schema (overrides database.schema).")
  var schema: String?

  @Option(name: .customLong("source-schema"), help: "The booking platform's schema (overrides database.source_schema).")
  var sourceSchema: String?

  @Flag(name: .customLong("full-ingest"), help: "Reload every source table whole (the weekly cron line).")
  var fullIngest = false

  @Option(
    name: .customLong("as-of"), help: "First day priced and last day of the report, YYYY-MM-DD (default: today, UTC).")
  var asOf: String?

  @Option(name: .customLong("report-dir"), help: "The report folder (overrides report.dir; \"\" skips the report).")
  var reportDirectory: String?

  @Option(name: .customLong("log-format"), help: "text or json (overrides log.format).")
  var logFormat: String?

  @Flag(help: "Only warnings and errors in the log (for cron).")
  var quiet = false

  @Flag(help: "Debug messages in the log.")
  var verbose = false

  func validate() throws {
    if let asOf, LocalDate(iso: asOf) == nil { throw ValidationError("--as-of must be a date YYYY-MM-DD") }
    if let logFormat, StderrLogHandler.Format(rawValue: logFormat) == nil {
      throw ValidationError("--log-format must be text or json")
    }
  }

  func run() throws {
    var exitCode: Int32 = 0
    try reportingFailures {
      let environment = ProcessInfo.processInfo.environment
      var settings = try PipelineConfig.load(file: config, environment: environment)
      if let source { settings.source = source }
      if let warehouse { settings.warehouse = warehouse }
      if let schema { settings.schema = schema }
      if let sourceSchema { settings.sourceSchema = sourceSchema }
      if let reportDirectory { settings.reportDirectory = reportDirectory }
      if let logFormat { settings.logFormat = logFormat }
      try settings.validate()
      let format = StderrLogHandler.Format(rawValue: settings.logFormat) ?? .text
      let level: Logger.Level =
        quiet ? .warning : verbose ? .debug : (Logger.Level(rawValue: settings.logLevel) ?? .info)
      let logger = StderrLogHandler.logger(label: "run", format: format, level: level)
      let runner = PipelineRunner(
        config: settings, today: asOf.flatMap { LocalDate(iso: $0) } ?? SeedCommand.todayUTC(), fullIngest: fullIngest,
        actor: PublishCommand.actor(), logger: logger,
        classify: { error in
          let failure = CommandFailure.from(error)
          return (failure.status.rawValue, failure.message)
        })
      let outcome = try runner.run()
      for step in outcome.steps {
        var line = "\(step.step): \(step.status)"
        if let rows = step.rows { line += ", \(rows) rows" }
        if step.status != "skipped" { line += String(format: ", %.1f s", step.seconds) }
        if step.attempts > 1 { line += ", \(step.attempts) attempts" }
        if step.status != "succeeded" && step.status != "skipped", let error = step.error {
          line += " (exit \(step.exitCode)): \(error)"
        }
        print(line)
      }
      if let path = outcome.reportPath { print("report: \(path)") }
      print("run \(outcome.runID): exit \(outcome.exitCode)")
      exitCode = outcome.exitCode
    }
    if exitCode != 0 { throw ExitCode(exitCode) }
  }
}
