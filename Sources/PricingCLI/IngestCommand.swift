import ArgumentParser
import Foundation
import Ingest
import Postgres
import Warehouse

/// `pricing ingest [--full]`: incremental (or full) load from the source into the warehouse (docs/ingest.md).
struct IngestCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ingest", abstract: "Load what changed in the booking database into the warehouse (safe to re-run).")

  @OptionGroup var options: GlobalOptions

  @Flag(help: "Reload every table whole and mark rows deleted at the source.")
  var full = false

  @Option(
    name: .customLong("overlap-minutes"),
    help: "Re-read this many minutes before the last watermark (overrides ingest.overlap_minutes, 60; 0..10080).")
  var overlapMinutes: String?

  func run() throws {
    try reportingFailures {
      var settings = try options.settings()
      if let overlapMinutes {
        try settings.apply(flag: "--overlap-minutes", setting: "ingest.overlap_minutes", value: overlapMinutes)
      }
      let logger = options.makeLogger("ingest", settings: settings)
      let interruption = InterruptionGuard(settings: settings)
      defer { withExtendedLifetime(interruption) {} }
      var ingestor = Ingestor(
        options: IngestOptions(
          sourceConninfo: settings.source, warehouseConninfo: settings.warehouseConninfo,
          sourceSchema: try options.sourceSchemaIdentifier(settings), warehouse: try WarehouseSchema(name: settings.schema),
          full: full || settings.fullIngest, overlapSeconds: settings.overlapMinutes * 60,
          exitCode: { CommandFailure.from($0).status.rawValue }),
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
