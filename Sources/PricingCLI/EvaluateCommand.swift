import ArgumentParser
import Fitting
import Foundation
import Marketplace
import Postgres

/// `pricing evaluate --truth FILE [--run N] [--format text|json]`: a model run's prices judged under the true
/// demand of the market `pricing seed` generated (synthetic markets only; Benchmarks/pricing-value.sh). The
/// table is judged as served, manual overrides included.
struct EvaluateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "evaluate",
    abstract: "Judge a run's prices under a seeded market's true demand: GMV against flat prices and the oracle.")

  @OptionGroup var options: GlobalOptions

  @Option(help: "The true parameters `pricing seed --truth` wrote.")
  var truth: String

  @Option(name: .customLong("run"), help: "The model run (default: the one being served, else the latest).")
  var runID: Int64?

  @Option(help: "Output format: text or json.")
  var format: String = "text"

  func validate() throws {
    guard format == "text" || format == "json" else { throw ValidationError("--format must be text or json") }
  }

  func run() throws {
    try reportingFailures {
      let settings = try options.settings()
      let (connection, schema) = try options.connectWarehouse(
        settings, logger: options.makeLogger("evaluate", settings: settings))
      let truth: MarketplaceTruth
      guard FileManager.default.isReadableFile(atPath: self.truth) else {
        throw CommandFailure(status: .dataError, message: "\(self.truth): no such file, or not readable")
      }
      do {
        truth = try JSONDecoder().decode(MarketplaceTruth.self, from: Data(contentsOf: URL(fileURLWithPath: self.truth)))
      } catch {
        throw CommandFailure(status: .dataError, message: "\(self.truth): not a truth file of pricing seed")
      }
      let served = try connection.query("SELECT run_id FROM \(schema.table("current_version"))").rows.first
        .map { try $0.decode(Int64.self, at: 0) }
      let run = try ModelRunStore(schema: schema).resolveRun(connection, runID ?? served)
      let row = try connection.query(
        """
        SELECT as_of, horizon_days, (config->>'min_multiplier')::float8, (config->>'max_multiplier')::float8
        FROM \(schema.table("model_runs")) WHERE run_id = \(run)
        """
      ).single()
      let asOf = try row.decode(LocalDate.self, at: 0)
      let horizon = try row.decode(Int.self, at: 1)
      let low = try row.decode(Double.self, at: 2)
      let bounds = low...max(low, try row.decode(Double.self, at: 3))
      var table: [String: Double] = [:]
      for cell in try connection.query(
        """
        SELECT category, city, experience_band, valid_on, multiplier::float8
        FROM \(schema.table("candidate_multipliers")) WHERE run_id = \(run)
        """
      ).rows {
        let key =
          "\(try cell.decode(String.self, at: 0))|\(try cell.decode(String.self, at: 1))|\(try cell.decode(String.self, at: 2))|\(try cell.decode(LocalDate.self, at: 3))"
        table[key] = try cell.decode(Double.self, at: 4)
      }
      guard !table.isEmpty else { throw CommandFailure(status: .dataError, message: "run \(run) has no multipliers (pruned)") }
      let bands = try MarketplaceGenerator.BandDefinition.read(connection, schema: schema)
      let preset = truth.shape?.preset ?? MarketShape.classic.name
      guard let shape = MarketShape.preset(named: preset) else {
        throw CommandFailure(status: .dataError, message: "\(self.truth): unknown market preset \(preset)")
      }
      let spec = MarketplaceSpec(
        bookings: truth.bookings_requested, seed: truth.seed, today: truth.today,
        historyDays: truth.today.daysSinceEpoch - truth.first_slot_date.daysSinceEpoch,
        horizonDays: truth.last_slot_date.daysSinceEpoch - truth.today.daysSinceEpoch, shape: shape)
      let cells = MarketplaceGenerator(spec: spec).trueBandCells(
        from: asOf, through: asOf.adding(days: horizon - 1), bands: bands)
      let evaluation = MarketValue.evaluate(cells, table: table, bounds: bounds)
      if format == "json" {
        try JSONOutput.write(evaluation)
      } else {
        func percent(_ value: Double?) -> String { value.map { String(format: "%+.2f%%", $0 * 100) } ?? "n/a" }
        print("run \(run), \(asOf) + \(horizon) days, under the true demand of seed \(truth.seed):")
        for line in evaluation.lines {
          let capture = line.capture.map { String(format: "%.2f", $0) } ?? "n/a"
          print(
            "\((line.category ?? "total").padding(toLength: 16, withPad: " ", startingAt: 0)) \(line.currency)  lift \(percent(line.lift))  oracle \(percent(line.oracle_lift))  capture \(capture)"
          )
        }
      }
    }
  }
}
