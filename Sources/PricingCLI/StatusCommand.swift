import ArgumentParser
import Foundation
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

  @Option(name: .customLong("max-age-hours"), help: "Current prices older than this are a problem.")
  var maxAgeHours: Double = 36

  func validate() throws {
    guard format == "text" || format == "json" else { throw ValidationError("--format must be text or json") }
    guard maxAgeHours > 0 else { throw ValidationError("--max-age-hours must be positive") }
  }

  func run() throws {
    var healthy = true
    try reportingFailures {
      let connection = try Connection(conninfo: options.warehouseConninfo, logger: options.makeLogger("status"))
      let report = try StatusReport.read(connection, schema: try options.warehouseSchema(), maxAgeHours: maxAgeHours)
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
