import ArgumentParser
import Fitting
import Foundation
import Marketplace
import Postgres

/// `pricing seed`: fills the source schema with a synthetic marketplace (docs/synthetic-marketplace.md).
struct SeedCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "seed", abstract: "Fill the source schema with a synthetic marketplace.")

  @OptionGroup var options: GlobalOptions

  @Option(help: "About how many bookings to generate (the count is drawn, so it varies a little).")
  var bookings: Int = 200_000

  @Option(help: "Random seed: the same seed and --today give the same data.")
  var seed: UInt64 = 42

  @Option(help: "The snapshot date (YYYY-MM-DD): two years of slots before it, 28 days after (default: today, UTC).")
  var today: String?

  @Option(help: "Write the true parameters as JSON to this file.")
  var truth: String?

  @Option(help: "The market's shape: classic, seasonal, southern or capacity (docs/synthetic-marketplace.md).")
  var preset: String = "classic"

  @Option(name: .customLong("truth-cells"), help: "Write the true expected bookings of every cell and day as CSV to this file.")
  var truthCells: String?

  @Option(name: .customLong("calendar-out"), help: "Write the event calendar the market plants (fit.events_file's format) to this file.")
  var calendarOut: String?

  @Flag(help: "Drop and recreate the source tables when they already hold rows.")
  var replace = false

  @Flag(name: .customLong("no-anomalies"), help: "Do not plant the faulty rows that exercise validation.")
  var noAnomalies = false

  func validate() throws {
    guard bookings > 0 else { throw ValidationError("--bookings must be positive") }
    if let today, LocalDate(iso: today) == nil { throw ValidationError("--today must be a date YYYY-MM-DD") }
    guard MarketShape.preset(named: preset) != nil else {
      throw ValidationError(
        "--preset must be one of \(MarketShape.presets.map(\.name).joined(separator: ", ")), not \(preset)")
    }
  }

  func run() throws {
    try reportingFailures {
      let settings = try options.settings()
      let logger = options.makeLogger("seed", settings: settings)
      let schema = try options.sourceSchemaIdentifier(settings)
      let snapshotDate = today.flatMap { LocalDate(iso: $0) } ?? SeedCommand.todayUTC()
      // Output files are checked before the source is touched (a bad path must not leave a seeded source
      // that a rerun would need --replace for).
      for path in [truth, truthCells, calendarOut].compactMap({ $0 }) { try OutputFile.checkDestination(path) }
      let spec = MarketplaceSpec(
        bookings: bookings, seed: seed, today: snapshotDate, plantAnomalies: !noAnomalies,
        shape: MarketShape.preset(named: preset) ?? .classic)
      let started = Date()
      let generator = try MarketplaceSeeder(schema: schema, logger: logger)
        .seed(spec: spec, conninfo: settings.source, replace: replace)
      if let truth {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
          try encoder.encode(generator.truth()).write(to: URL(fileURLWithPath: truth))
        } catch {
          throw CommandFailure(status: .cannotCreate, message: "cannot write \(truth): \(error.localizedDescription)")
        }
      }
      if let truthCells {
        try writing(truthCells) { try generator.writeTrueCells(to: $0) }
      }
      if let calendarOut {
        try writing(calendarOut) { try $0.write(contentsOf: Data(MarketEvents.csv(generator.plantedEvents).utf8)) }
      }
      let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
      print("seeded \(generator.summary.bookings) bookings into schema \(schema) in \(seconds) s")
    }
  }

  /// Creates (or truncates) `path` and lets `body` write it; any failure is exit 73 naming the file.
  private func writing(_ path: String, _ body: (FileHandle) throws -> Void) throws {
    do {
      guard FileManager.default.createFile(atPath: path, contents: nil),
        let handle = FileHandle(forWritingAtPath: path)
      else { throw CocoaError(.fileWriteNoPermission) }
      defer { try? handle.close() }
      try body(handle)
    } catch {
      throw CommandFailure(status: .cannotCreate, message: "cannot write \(path): \(error.localizedDescription)")
    }
  }

  /// The current UTC date, read once here at the edge and passed down.
  static func todayUTC() -> LocalDate {
    LocalDate(daysSinceEpoch: Int((Date().timeIntervalSince1970 / 86_400).rounded(.down)))
  }
}
