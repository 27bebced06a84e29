import ArgumentParser
import Foundation
import Postgres
import Reports
import Warehouse

/// `pricing report --out DIR [--from DATE] [--to DATE]` (docs/reports.md).
struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report", abstract: "Write the admin report: index.html and one CSV per table.",
    discussion: """
      The period is of slot dates, both ends included; by default the 13 weeks ending today (UTC). The folder
      is replaced all at once when the new report is complete.
      """)

  @OptionGroup var options: GlobalOptions

  @Option(help: "The report folder (created or replaced).")
  var out: String

  @Option(help: "First slot date of the period, YYYY-MM-DD (default: 90 days before --to).")
  var from: String?

  @Option(help: "Last slot date of the period, YYYY-MM-DD (default: today, UTC).")
  var to: String?

  @Flag(name: .customLong("print-sql"), help: .hidden)
  var printSQL = false

  func validate() throws {
    if let from, LocalDate(iso: from) == nil { throw ValidationError("--from must be a date YYYY-MM-DD") }
    if let to, LocalDate(iso: to) == nil { throw ValidationError("--to must be a date YYYY-MM-DD") }
    guard !out.isEmpty else { throw ValidationError("--out must name a folder") }
  }

  func run() throws {
    try reportingFailures {
      let settings = try options.settings()
      let logger = options.makeLogger("report", settings: settings)
      let period = try ReportPeriod.resolve(
        from: from.flatMap { LocalDate(iso: $0) }, to: to.flatMap { LocalDate(iso: $0) }, today: SeedCommand.todayUTC())
      if printSQL {
        // The benchmark's baseline (Benchmarks/report.sh): the same SQL for psql, writing into --out.
        print(
          ReportGenerator(schema: try WarehouseSchema(name: settings.schema)).psqlScript(period: period, directory: out),
          terminator: "")
        return
      }
      let (connection, schema) = try options.connectWarehouse(settings, logger: logger)
      // A second session runs the customer scans beside the rest; without one the report runs serially.
      let beside = try? Connection(conninfo: settings.warehouseConninfo, logger: logger)
      let outcome = try ReportBuilder(schema: schema, settings: settings.report, logger: logger)
        .build(
          connection, beside: beside, period: period, into: URL(fileURLWithPath: out), calendar: settings.calendar,
          today: SeedCommand.todayUTC())
      print(outcome.directory.appendingPathComponent("index.html").path)
      // The current report is written; a failed archive is still a failure (exit 73).
      if let error = outcome.archiveError { throw error }
    }
  }
}
