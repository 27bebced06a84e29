import ArgumentParser
import Fitting
import Foundation
import Pipeline
import Postgres
import Warehouse

/// `pricing status [--format text|json] [--max-age-hours H]`: for people and monitors.
struct StatusCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "status",
    abstract: "Last runs, current price version and its age, data freshness, open data-quality problems.",
    discussion: """
      Exits 82 when the last pricing run failed or was rejected, a run was interrupted, no prices are published, \
      or they are older than --max-age-hours or do not cover today.
      """)

  @OptionGroup var options: GlobalOptions

  @Option(help: "Output format: text or json.")
  var format: String = "text"

  @Option(
    name: .customLong("max-age-hours"),
    help: "Current prices older than this are a problem (overrides status.max_age_hours, 36).")
  var maxAgeHours: String?

  @Option(name: .customLong("as-of"), help: "The day the current prices must cover (default: today, UTC).")
  var asOf: String?

  func validate() throws {
    if let asOf { _ = try DateFlag.parse(asOf, flag: "--as-of") }
    guard format == "text" || format == "json" else { throw ValidationError("--format must be text or json") }
  }

  func run() throws {
    var healthy = true
    try reportingFailures {
      var settings = try options.settings()
      if let maxAgeHours {
        try settings.apply(flag: "--max-age-hours", setting: "status.max_age_hours", value: maxAgeHours)
      }
      let (connection, schema) = try options.connectWarehouse(
        settings, logger: options.makeLogger("status", settings: settings))
      let report = try Self.report(
        connection, schema: schema, settings: settings, today: try asOf.map { try DateFlag.parse($0, flag: "--as-of") })
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

  /// The status with the settings' age limit and holiday calendar (`pricing status`, and the metrics of
  /// `pricing run --metrics-file`, which must agree with it).
  static func report(_ connection: Connection, schema: WarehouseSchema, settings: PipelineConfig, today: LocalDate?)
    throws -> StatusReport
  {
    return try StatusReport.read(
      connection, schema: schema, maxAgeHours: settings.statusMaxAgeHours, today: today, calendar: settings.calendar)
  }
}
