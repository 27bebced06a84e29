import ArgumentParser
import Fitting
import Foundation
import Postgres
import PricingModel

/// `pricing explain --category C --city X --date D [--band B]`: the factors of a multiplier in words.
struct ExplainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "explain", abstract: "Explain a candidate multiplier: its factors in words and numbers.")

  @OptionGroup var options: GlobalOptions

  @Option var category: String
  @Option var city: String
  @Option(help: "The local date YYYY-MM-DD.")
  var date: String
  @Option(help: "One experience band (default: all).")
  var band: String?
  @Option(name: .customLong("run"), help: "The model run (default: the one whose prices are being served).")
  var runID: Int64?

  func validate() throws {
    if LocalDate(iso: date) == nil { throw ValidationError("--date must be a date YYYY-MM-DD") }
  }

  func run() throws {
    try reportingFailures {
      let settings = try options.settings()
      let (connection, schema) = try options.connectWarehouse(
        settings, logger: options.makeLogger("explain", settings: settings))
      let store = ModelRunStore(schema: schema)
      // The served version's run by default: the price the booking service charges is the one to explain.
      let served = try connection.query("SELECT run_id FROM \(schema.table("current_version"))").rows.first
        .map { try $0.decode(Int64.self, at: 0) }
      let runID = self.runID ?? served
      let candidates = try store.candidates(
        connection, runID: runID, category: category, city: city, date: LocalDate(iso: date)!, band: band)
      guard !candidates.isEmpty else {
        if try !store.hasCandidates(connection, runID: runID) {
          throw CommandFailure(
            status: .dataError,
            message: "the multipliers of \(runID.map { "run \($0)" } ?? "the latest run") were pruned "
              + "(runs older than publish.retention_days keep their model, not their multipliers)")
        }
        throw CommandFailure(
          status: .dataError,
          message: "no multiplier for \(category) in \(city) on \(date)\(band.map { " (band \($0))" } ?? "")")
      }
      if self.runID == nil && served == nil {
        FileHandle.standardError.write(Data("pricing: nothing is published: explaining the latest model run\n".utf8))
      }
      print(candidates.map(MultiplierPolicy.explain).joined(separator: "\n\n"))
    }
  }
}
