import Foundation
import Postgres
import PricingModel
import Warehouse

/// Reads a run's candidate table as `PriceImpact` cells (its factors carry each band's expected demand,
/// capacity and list price) and estimates its impact against flat prices or another run's table
/// (`pricing impact`, docs/cli.md).
public struct ImpactStore {
  public let schema: WarehouseSchema

  public init(schema: WarehouseSchema) { self.schema = schema }

  /// What a table is compared against.
  public enum Against: Sendable, Equatable {
    case flat
    /// Another run's table (the current version's run for `current`); a cell it lacks counts at list price.
    case run(Int64)
  }

  /// The uncertainty the fit estimated the run's impact with (`PriceImpact.Uncertainty`): the level's
  /// standard error from the holdout's miscalibration by category, the elasticities' bounds of the fit.
  public static func uncertainty(calibrationByCategory: [String: Double], model: DemandModelConfig)
    -> PriceImpact.Uncertainty
  {
    var result = PriceImpact.Uncertainty()
    let logs = calibrationByCategory.values.filter { $0.isFinite && $0 > 0 }.map { log($0) }
    let rms = logs.isEmpty ? 0.1 : (logs.reduce(0) { $0 + $1 * $1 } / Double(logs.count)).squareRoot()
    result.level_std_error = min(1, max(0.02, rms))
    result.elasticity_lower = model.elasticityLower
    result.elasticity_upper = model.elasticityUpper
    return result
  }

  /// The impact cells of `candidates` against `against` (by key; a missing cell at list price). A candidate
  /// without a list price (no provider in its band) is left out: it can earn nothing.
  public static func cells(_ candidates: [CandidateMultiplier], against: [String: Double]?) -> [PriceImpact.Cell] {
    candidates.compactMap { candidate in
      let f = candidate.factors
      guard let price = f.list_price, let demand = f.band_demand, let capacity = f.band_capacity else { return nil }
      return PriceImpact.Cell(
        category: candidate.category, city: candidate.city, band: candidate.band, currency: f.currency ?? "",
        listPrice: price, demand: demand, capacity: capacity, elasticity: f.elasticity,
        elasticityStdError: f.elasticity_se ?? .infinity, multiplier: candidate.multiplier,
        against: against.map { $0[candidate.key] ?? 1 } ?? 1, binding: f.binding)
    }
  }

  /// The run's estimate against `against`, recomputed from its stored candidates with the uncertainty the
  /// fit stored (the same numbers as the fit's when compared with the same table).
  public func estimate(_ connection: Connection, run: Int64, against: Against) throws -> PriceImpact.Estimate {
    let row = try connection.query(
      """
      SELECT (config->>'min_multiplier')::float8, (config->>'max_multiplier')::float8,
             coalesce(impact->'flat'->'uncertainty', 'null')::text
      FROM \(schema.table("model_runs")) WHERE run_id = \(run)
      """
    ).rows.first
    guard let row else { throw FitError(code: .notFound, message: "no model run \(run)") }
    let bounds = try row.decode(Double.self, at: 0)...max(try row.decode(Double.self, at: 0), try row.decode(Double.self, at: 1))
    let stored = try row.decode(String.self, at: 2)
    guard stored != "null" else {
      throw FitError(
        code: .notFound, message: "run \(run) has no impact estimate (it was fitted before impact estimates existed)")
    }
    let uncertainty = try JSONDecoder().decode(PriceImpact.Uncertainty.self, from: Data(stored.utf8))
    let againstRun: Int64?
    switch against {
    case .flat: againstRun = nil
    case .run(let other): againstRun = other
    }
    // Against flat prices no second table is read; against a run, its rows are joined by key (a hash join:
    // the run's rows are the current version's, read whole).
    var query: SQLQuery = """
      SELECT m.category, m.city, m.experience_band, coalesce(f.factors->>'currency', ''),
             (f.factors->>'list_price')::float8, (f.factors->>'band_demand')::float8,
             (f.factors->>'band_capacity')::float8, (f.factors->>'elasticity')::float8,
             coalesce((f.factors->>'elasticity_se')::float8, 'Infinity'), m.multiplier::float8,
      """
    if let againstRun {
      query.append(
        """
         coalesce(a.multiplier, 1)::float8, f.factors->>'binding'
        FROM \(schema.table("candidate_multipliers")) m
        JOIN \(schema.table("candidate_factors")) f USING (run_id, category, city, experience_band, valid_on)
        LEFT JOIN (SELECT * FROM \(schema.table("candidate_multipliers")) WHERE run_id = \(againstRun)) a
          ON a.category = m.category AND a.city = m.city AND a.experience_band = m.experience_band
         AND a.valid_on = m.valid_on
        """)
    } else {
      query.append(
        """
         1::float8, f.factors->>'binding'
        FROM \(schema.table("candidate_multipliers")) m
        JOIN \(schema.table("candidate_factors")) f USING (run_id, category, city, experience_band, valid_on)
        """)
    }
    query.append(" WHERE m.run_id = \(run) AND f.factors->>'list_price' IS NOT NULL")
    // A run just written has no statistics yet: the planner would take it for one row and loop over the other
    // table for each of its rows (minutes). Hash joins only.
    try connection.execute("SET enable_nestloop = off")
    defer { try? connection.execute("RESET enable_nestloop") }
    let rows = try connection.query(query).rows
    guard !rows.isEmpty else {
      throw FitError(
        code: .notFound,
        message: "run \(run) has no candidate multipliers with prices to estimate (pruned, or no provider has a price)")
    }
    let cells = try rows.map { row in
      PriceImpact.Cell(
        category: try row.decode(String.self, at: 0), city: try row.decode(String.self, at: 1),
        band: try row.decode(String.self, at: 2), currency: try row.decode(String.self, at: 3),
        listPrice: try row.decode(Double.self, at: 4), demand: try row.decode(Double?.self, at: 5) ?? 0,
        capacity: try row.decode(Double?.self, at: 6) ?? 0, elasticity: try row.decode(Double.self, at: 7),
        elasticityStdError: try row.decode(Double.self, at: 8), multiplier: try row.decode(Double.self, at: 9),
        against: try row.decode(Double.self, at: 10), binding: try row.decode(String?.self, at: 11))
    }
    let label = againstRun.map { "run \($0)" } ?? "flat"
    return PriceImpact.estimate(cells, against: label, bounds: bounds, uncertainty: uncertainty)
  }
}
