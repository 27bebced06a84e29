import ArgumentParser
import Foundation
import Ingest
import Postgres

/// `pricing ingest [--full]`: incremental (or full) load from the source into the warehouse (docs/ingest.md).
struct IngestCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ingest", abstract: "Load what changed in the booking database into the warehouse (safe to re-run).")

  @OptionGroup var options: GlobalOptions

  @Flag(help: "Reload every table whole and mark rows deleted at the source.")
  var full = false

  @Option(name: .customLong("overlap-minutes"), help: "Re-read this many minutes before the last watermark.")
  var overlapMinutes: Int = 60

  func validate() throws {
    guard overlapMinutes >= 0 else { throw ValidationError("--overlap-minutes must not be negative") }
  }

  func run() throws {
    try reportingFailures {
      let logger = options.makeLogger("ingest")
      var ingestor = Ingestor(
        options: IngestOptions(
          sourceConninfo: options.sourceConninfo, warehouseConninfo: options.warehouseConninfo,
          sourceSchema: try options.sourceSchemaIdentifier(), warehouse: try options.warehouseSchema(), full: full,
          overlapSeconds: overlapMinutes * 60),
        logger: logger)
      if !options.quiet && isatty(STDERR_FILENO) == 1 {
        ingestor.progress = { table, rows in
          FileHandle.standardError.write(Data("\r\(table): \(rows) rows...\u{1B}[K".utf8))
        }
      }
      let summary = try ingestor.run()
      if ingestor.progress != nil { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
      print(summary.text)
    }
  }
}
