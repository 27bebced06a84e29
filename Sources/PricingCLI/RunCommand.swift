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

  @OptionGroup var options: GlobalOptions

  @Flag(name: .customLong("full-ingest"), help: "Reload every source table whole (the weekly cron line).")
  var fullIngest = false

  @Option(
    name: .customLong("as-of"), help: "First day priced and last day of the report, YYYY-MM-DD (default: today, UTC).")
  var asOf: String?

  @Option(name: .customLong("report-dir"), help: "The report folder (overrides report.dir; \"\" skips the report).")
  var reportDirectory: String?

  func validate() throws {
    if let asOf { _ = try DateFlag.parse(asOf, flag: "--as-of") }
  }

  func run() throws {
    var exitCode: Int32 = 0
    try reportingFailures {
      var settings = try options.settings()
      if let reportDirectory { settings.reportDirectory = reportDirectory }
      let logger = options.makeLogger("run", settings: settings)
      let interruption = InterruptionGuard(settings: settings)
      defer { withExtendedLifetime(interruption) {} }
      let runner = PipelineRunner(
        config: settings, today: try asOf.map { try DateFlag.parse($0, flag: "--as-of") } ?? SeedCommand.todayUTC(),
        fullIngest: fullIngest,
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
