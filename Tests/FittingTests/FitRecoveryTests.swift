import Fitting
import Foundation
import Ingest
import Marketplace
import Postgres
import PricingModel
import TestSupport
import Testing
import Warehouse

/// A seeded marketplace, ingested into the warehouse of the same database, shared by the recovery tests.
final class SeededWarehouse: @unchecked Sendable {
  static let shared = SeededWarehouse()
  let conninfo: String
  let truth: MarketplaceTruth
  let schema: WarehouseSchema
  let outcome: FitOutcome
  let model: [String: Any]
  let today = LocalDate(iso: "2026-06-15")!

  /// The fitted run's coefficient estimates by name.
  func coefficientEstimates() throws -> [String: Double] {
    let coefficients = try #require(model["coefficients"] as? [[String: Any]])
    var values: [String: Double] = [:]
    for coefficient in coefficients {
      if let name = coefficient["name"] as? String, let estimate = coefficient["estimate"] as? Double {
        values[name] = estimate
      }
    }
    return values
  }

  /// Seeds `spec` into the database's public schema, migrates the warehouse schema and ingests it.
  static func seedAndIngest(
    _ spec: MarketplaceSpec, conninfo: String, connection: Connection, schema: WarehouseSchema
  ) throws -> MarketplaceGenerator {
    let generator = try MarketplaceSeeder(schema: SQLIdentifier(constant: "public"), logger: TestDatabase.quietLogger)
      .seed(spec: spec, conninfo: conninfo, replace: false)
    try Migrator(schema: schema, logger: TestDatabase.quietLogger).migrate(connection)
    _ = try Ingestor(
      options: IngestOptions(
        sourceConninfo: conninfo, warehouseConninfo: conninfo, sourceSchema: SQLIdentifier(constant: "public"),
        warehouse: schema),
      logger: TestDatabase.quietLogger
    ).run()
    return generator
  }

  private init() {
    do {
      let (conninfo, connection) = try TestDatabase.connect(label: "fit")
      self.conninfo = conninfo
      schema = try WarehouseSchema()
      let generator = try Self.seedAndIngest(
        MarketplaceSpec(bookings: 300_000, seed: 7, today: today), conninfo: conninfo, connection: connection,
        schema: schema)
      truth = generator.truth()
      outcome = try FitRunner(
        options: FitOptions(warehouseConninfo: conninfo, schema: schema, asOf: today), logger: TestDatabase.quietLogger
      ).run()
      let json = try ModelRunStore(schema: schema).showJSON(connection, runID: outcome.runID)
      model = try JSONSerialization.jsonObject(with: json) as! [String: Any]
    } catch {
      fatalError("could not prepare the seeded warehouse: \(error)")
    }
  }
}

@Suite("pricing fit on the seeded marketplace recovers the truth", .serialized)
struct FitRecoveryTests {
  @Test("the model is fitted and beats the seasonal-naive baseline on the holdout")
  func beatsBaseline() {
    let fixture = SeededWarehouse.shared
    #expect(fixture.outcome.status == "fitted")
    #expect(fixture.outcome.reasons.isEmpty)
    #expect(fixture.outcome.metrics.model.wape < fixture.outcome.metrics.baseline.wape)
    #expect(fixture.outcome.metrics.model.deviance_explained > fixture.outcome.metrics.baseline.deviance_explained)
    #expect(fixture.outcome.candidates > 0)
  }

  @Test("each category's elasticity is within 3 standard errors and 0.15 of the truth")
  func elasticities() throws {
    let fixture = SeededWarehouse.shared
    let fitted = try #require(fixture.model["elasticities"] as? [[String: Any]])
    #expect(fitted.count == fixture.truth.elasticities.count)
    for truth in fixture.truth.elasticities {
      let estimate = try #require(fitted.first { $0["category"] as? String == truth.category })
      let value = try #require(estimate["estimate"] as? Double)
      let error = try #require(estimate["std_error"] as? Double)
      #expect(abs(value - truth.estimate) <= 3 * error, "\(truth.category): \(value) ± \(error) vs \(truth.estimate)")
      #expect(abs(value - truth.estimate) <= 0.15, "\(truth.category): \(value) vs \(truth.estimate)")
    }
  }

  @Test("each category's seasonal peak month is right (northern hemisphere)")
  func seasonalPeaks() throws {
    let fixture = SeededWarehouse.shared
    let values = try fixture.coefficientEstimates()
    for category in fixture.truth.categories where category.season_north.contains(where: { abs($0) > 0.1 }) {
      // The category's curve: the pooled one plus the category's deviation from it.
      let fitted = ["cos1", "sin1", "cos2", "sin2"].map {
        (values["season.\($0)"] ?? 0) + (values["season.\($0)[\(category.category)]"] ?? 0)
      }
      #expect(
        MarketplaceCatalog.peakMonth(fitted) == category.peak_month_north,
        "\(category.category): fitted peak \(MarketplaceCatalog.peakMonth(fitted)), true \(category.peak_month_north)")
    }
  }

  @Test("city effects rank like the true ones wherever the truth separates them by 3 standard errors")
  func cityRanking() throws {
    let fixture = SeededWarehouse.shared
    let values = try fixture.coefficientEstimates()
    // A city's effect is its main effect plus the mean of its (ridge-shrunk) category x city pairs; its
    // standard error is about 1 / sqrt(its bookings) for a Poisson rate.
    let connection = try Connection(conninfo: fixture.conninfo, logger: TestDatabase.quietLogger)
    var bookings: [String: Double] = [:]
    for row in try connection.query("SELECT city, count(*)::float8 FROM pricing.booking_facts GROUP BY city").rows {
      bookings[try row.decode(String.self, at: 0)] = try row.decode(Double.self, at: 1)
    }
    let categories = fixture.truth.categories.map(\.category)
    func effect(_ city: String) -> Double {
      let pairs = categories.map { values["pair[\($0)|\(city)]"] ?? 0 }
      return (values["city[\(city)]"] ?? 0) + pairs.reduce(0, +) / Double(pairs.count)
    }
    var compared = 0
    for a in fixture.truth.cities {
      for b in fixture.truth.cities where a.effect > b.effect {
        let error = (1 / bookings[a.city, default: 1] + 1 / bookings[b.city, default: 1]).squareRoot()
        guard (a.effect - b.effect) / error >= 3 else { continue }
        compared += 1
        #expect(
          effect(a.city) > effect(b.city),
          "\(a.city) (\(effect(a.city))) should rank above \(b.city) (\(effect(b.city)))")
      }
    }
    #expect(compared >= 100)
  }

  @Test("multipliers stay within the bounds, earn at least flat prices per category, and raise inelastic ones")
  func multipliers() throws {
    let fixture = SeededWarehouse.shared
    let connection = try Connection(conninfo: fixture.conninfo, logger: TestDatabase.quietLogger)
    let row = try connection.query(
      """
      SELECT min(multiplier)::float8, max(multiplier)::float8, 0, count(DISTINCT experience_band)
      FROM pricing.candidate_multipliers JOIN pricing.candidate_factors USING (run_id, category, city, experience_band, valid_on)
      WHERE run_id = \(fixture.outcome.runID) AND (factors->>'capacity')::float8 > 0
      """
    ).single()
    #expect(try row.decode(Double.self, at: 0) >= 0.8)
    #expect(try row.decode(Double.self, at: 1) <= 1.5)
    // Under the model's own demand no category earns less than at flat prices (exploration's cost
    // included); a category whose elasticity lies above -1 across its interval (the policy's margin, 1.645
    // standard errors) sits at the ceiling, but for exploration's moves.
    let categories = try connection.query(
      """
      SELECT category, sum((factors->>'expected_gmv')::float8), sum((factors->>'gmv_at_list')::float8),
             max((factors->>'elasticity')::float8 - 1.645 * (factors->>'elasticity_se')::float8),
             avg((abs(multiplier / coalesce((factors->>'exploration')::float8, 1) - 1.5) < 1e-3)::int)::float8
      FROM pricing.candidate_multipliers JOIN pricing.candidate_factors USING (run_id, category, city, experience_band, valid_on)
      WHERE run_id = \(fixture.outcome.runID) AND factors->>'list_price' IS NOT NULL
        AND (factors->>'band_capacity')::float8 > 0
      GROUP BY 1 ORDER BY 1
      """
    ).rows
    #expect(categories.count == 10)
    var inelastic = 0
    for category in categories {
      let name = try category.decode(String.self, at: 0)
      #expect(try category.decode(Double.self, at: 1) >= category.decode(Double.self, at: 2) * (1 - 1e-9), "\(name)")
      if try category.decode(Double.self, at: 3) > -1 {
        inelastic += 1
        let atCeiling = try category.decode(Double.self, at: 4)
        #expect(atCeiling > 0.9, "\(name) is inelastic but not at the ceiling: \(atCeiling)")
      }
    }
    #expect(inelastic >= 2)
    #expect(try row.decode(Int.self, at: 3) == 3)
    // Exploration (on by default) moved some cells, within its budget, and logged every priced cell.
    let exploration = try connection.query(
      """
      SELECT (metrics->'exploration'->>'explored_cells')::int,
             (SELECT max((c->>'cost_share')::float8) FROM jsonb_array_elements(metrics->'exploration'->'costs') c),
             (SELECT count(*) FROM pricing.exploration_cells e WHERE e.run_id = r.run_id),
             (SELECT count(DISTINCT (e.category, e.city, e.valid_on)) FROM pricing.exploration_cells e
              WHERE e.run_id = r.run_id AND e.log_factor <> 0)
      FROM pricing.model_runs r WHERE run_id = \(fixture.outcome.runID)
      """
    ).single()
    #expect(try exploration.decode(Int.self, at: 0) > 0)
    #expect(try exploration.decode(Double.self, at: 1) <= 0.01 + 1e-9)
    #expect(try exploration.decode(Int.self, at: 2) == 170 * 3 * 28)
    #expect(try exploration.decode(Int.self, at: 3) == exploration.decode(Int.self, at: 0))
    // Every active category x city x band x day of the horizon is priced.
    #expect(
      try connection.query(
        "SELECT count(*) FROM pricing.candidate_multipliers WHERE run_id = \(fixture.outcome.runID)"
      ).scalar(Int.self)
        == 170 * 3 * 28)
  }
}
