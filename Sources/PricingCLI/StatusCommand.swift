import ArgumentParser
import Foundation
import Pipeline
import Postgres
import Warehouse

/// `pricing status [--format text|json] [--max-age-hours H]`: for people and monitors.
struct StatusCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "status",
    abstract: "Last runs, current price version and its age, data freshness, open data-quality problems.",
    discussion: "Exits 82 when the last run failed, no prices are published, or they are older than --max-age-hours.")

  @OptionGroup var options: GlobalOptions

  @Option(help: "Output format: text or json.")
  var format: String = "text"

  @Option(
    name: .customLong("max-age-hours"),
    help: "Current prices older than this are a problem (default: status.max_age_hours, 36).")
  var maxAgeHours: Double?

  @Option(
    help:
      "The configuration file of pricing run (default: $PRICING_CONFIG): its warehouse, schema and status.max_age_hours."
  )
  var config: String?

  func validate() throws {
    guard format == "text" || format == "json" else { throw ValidationError("--format must be text or json") }
    if let maxAgeHours, !(maxAgeHours > 0) { throw ValidationError("--max-age-hours must be positive") }
  }

  func run() throws {
    var healthy = true
    try reportingFailures {
      let settings = try PipelineConfig.load(file: config, environment: ProcessInfo.processInfo.environment)
      let (conninfo, schema) = try options.warehouse(with: settings)
      let connection = try options.connectWarehouse(conninfo, schema: schema, logger: options.makeLogger("status"))
      let report = try StatusReport.read(
        connection, schema: schema, maxAgeHours: maxAgeHours ?? settings.statusMaxAgeHours)
      if format == "json" {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        FileHandle.standardOutput.write(try encoder.encode(report) + Data("\n".utf8))
      } else {
        print(report.text)
      }
      healthy = report.healthy
    }
    if !healthy { throw ExitStatus.unhealthy.exitCode }
  }
}
