import ArgumentParser
import Fitting
import Foundation
import Postgres

/// `pricing model show [RUN] --format json`: a model run as JSON (docs/contracts.md section 3).
struct ModelCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "model", abstract: "Inspect model runs.", subcommands: [Show.self])

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "show", abstract: "Print a model run (default: the latest).")

    @OptionGroup var options: GlobalOptions

    @Argument(help: "The run id (default: the latest model run).")
    var runID: Int64?

    @Option(help: "Output format: json.")
    var format: String = "json"

    func validate() throws {
      guard format == "json" else { throw ValidationError("--format must be json") }
    }

    func run() throws {
      try reportingFailures {
        let settings = try options.settings()
        let (connection, schema) = try options.connectWarehouse(
          settings, logger: options.makeLogger("model", settings: settings))
        let data = try ModelRunStore(schema: schema).showJSON(connection, runID: runID)
        FileHandle.standardOutput.write(data + Data("\n".utf8))
      }
    }
  }
}
