import Foundation
import Fitting
import Marketplace
import Postgres
import PricingModel
import TestSupport
import Testing
import Warehouse

@Suite("pricing impact and pricing evaluate on the seeded marketplace", .serialized)
struct ImpactCommandTests {
  @Test("impact recomputes the fit's stored estimate, whose totals are the candidates' expected GMV")
  func impactJSON() throws {
    let fixture = SeededWarehouse.shared
    let outcome = try PricingBinary.run([
      "impact", "--warehouse", fixture.conninfo, "--against", "flat", "--format", "json",
    ])
    #expect(outcome.status == 0, "\(outcome.standardError)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
    #expect(object["run_id"] as? Int64 == fixture.outcome.runID)
    let estimate = try #require(object["estimate"] as? [String: Any])
    for key in ["against", "cells", "share_at_floor", "share_at_ceiling", "share_held_by_daily_limit", "total",
                "by_category", "by_city", "by_band", "uncertainty"] {
      #expect(estimate[key] != nil, "\(key)")
    }
    let connection = try Connection(conninfo: fixture.conninfo, logger: TestDatabase.quietLogger)
    // Per currency: the candidates' expected GMV and GMV at list price, summed in SQL.
    let sums = try connection.query(
      """
      SELECT factors->>'currency', sum((factors->>'expected_gmv')::float8), sum((factors->>'gmv_at_list')::float8)
      FROM pricing.candidate_factors WHERE run_id = \(fixture.outcome.runID) AND factors->>'list_price' IS NOT NULL
      GROUP BY 1 ORDER BY 1
      """
    ).rows
    let total = try #require(estimate["total"] as? [[String: Any]])
    #expect(total.count == sums.count)
    let stored = try connection.query(
      "SELECT impact->'flat'->'total' FROM pricing.model_runs WHERE run_id = \(fixture.outcome.runID)"
    ).scalar(String.self)
    let storedTotal = try #require(try JSONSerialization.jsonObject(with: Data(stored.utf8)) as? [[String: Any]])
    for (line, (row, storedLine)) in zip(total, zip(sums, storedTotal)) {
      #expect(line["currency"] as? String == (try row.decode(String.self, at: 0)))
      let gmv = try #require(line["gmv"] as? Double)
      #expect(abs(gmv - (try row.decode(Double.self, at: 1))) < 1e-6 * gmv)
      #expect(abs((line["gmv_against"] as? Double ?? 0) - (try row.decode(Double.self, at: 2))) < 1e-6 * gmv)
      #expect(abs(gmv - (storedLine["gmv"] as? Double ?? 0)) < 1e-6 * gmv)
      let interval = try #require(line["gmv_interval"] as? [String: Double])
      #expect(interval["low"]! <= gmv && gmv <= interval["high"]!)
    }
  }

  @Test("impact's text names the comparison; an unknown run is exit 65; a bad --against is exit 64")
  func impactText() throws {
    let fixture = SeededWarehouse.shared
    let text = try PricingBinary.run(["impact", "--warehouse", fixture.conninfo])
    #expect(text.status == 0)
    #expect(text.standardOutput.contains(" against "))
    #expect(text.standardOutput.contains("\nTotal\n"))
    #expect(text.standardOutput.contains("\nBy category\n"))
    let missing = try PricingBinary.run(["impact", "--warehouse", fixture.conninfo, "--run", "999999"])
    #expect(missing.status == 65)
    #expect(missing.standardError == "pricing: error: no model run 999999\n")
    let bad = try PricingBinary.run(["impact", "--warehouse", fixture.conninfo, "--against", "yesterday"])
    #expect(bad.status == 64)
    #expect(bad.standardError.contains("--against must be current, flat or a run id"))
  }

  @Test("under the market's true demand the fitted table earns more than flat prices in every category")
  func evaluateAgainstTruth() throws {
    let fixture = SeededWarehouse.shared
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("truth-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("truth.json")
    try JSONEncoder().encode(fixture.truth).write(to: file)
    let outcome = try PricingBinary.run([
      "evaluate", "--warehouse", fixture.conninfo, "--truth", file.path, "--run", "\(fixture.outcome.runID)",
      "--format", "json",
    ])
    #expect(outcome.status == 0, "\(outcome.standardError)")
    let evaluation = try JSONDecoder().decode(MarketValue.Evaluation.self, from: Data(outcome.standardOutput.utf8))
    #expect(evaluation.missing == 0)
    let categories = evaluation.lines.filter { $0.category != nil }
    #expect(categories.count >= 10)
    for line in categories {
      #expect(line.lift >= -0.005, "\(line.category!) \(line.currency): \(line.lift)")
      #expect(line.oracle_lift >= line.lift - 1e-9, "the oracle is the best within the bounds")
    }
    #expect((evaluation.min_capture ?? 0) > 0.5)
    let notTruth = try PricingBinary.run([
      "evaluate", "--warehouse", fixture.conninfo, "--truth", "/dev/null",
    ])
    #expect(notTruth.status == 65)
    #expect(notTruth.standardError == "pricing: error: /dev/null: not a truth file of pricing seed\n")
  }
}

@Suite("The oracle and the true band demand of a seeded market (no database)")
struct TrueDemandTests {
  @Test("band demands add up to the cell's true demand; the oracle is the GMV optimum with the true parameters")
  func bandsAndOracle() throws {
    let spec = MarketplaceSpec(bookings: 20_000, seed: 3, today: LocalDate(iso: "2026-03-02")!)
    let generator = MarketplaceGenerator(spec: spec)
    let bands = [
      MarketplaceGenerator.BandDefinition(name: "junior", minYears: 0, maxYears: 3),
      MarketplaceGenerator.BandDefinition(name: "experienced", minYears: 3, maxYears: 10),
      MarketplaceGenerator.BandDefinition(name: "senior", minYears: 10, maxYears: nil),
    ]
    let day = spec.today
    let cells = generator.trueBandCells(from: day, through: day, bands: bands)
    #expect(cells.count == generator.truth().categories.count * generator.truth().cities.count * 3)
    #expect(cells.allSatisfy { $0.demand >= 0 && $0.capacity >= 0 && $0.listPrice > 0 && $0.demand.isFinite })
    #expect(cells.contains { $0.capacity > 0 && $0.demand > 0 })
    // A band without providers has no demand.
    #expect(cells.filter { $0.capacity == 0 }.allSatisfy { $0.demand == 0 })
    // Flat prices against themselves: no lift; the oracle's table earns its own lift exactly.
    let flat = MarketValue.evaluate(cells, table: [:], bounds: 0.8...1.5)
    #expect(flat.missing == cells.count)
    #expect(flat.lines.allSatisfy { abs($0.lift) < 1e-12 })
    var oracleTable: [String: Double] = [:]
    for cell in cells where cell.capacity > 0 {
      oracleTable["\(cell.category)|\(cell.city)|\(cell.band)|\(cell.date)"] =
        MultiplierPolicy.gmvOptimum(
          pressure: cell.demand / cell.capacity, elasticity: cell.elasticity, bounds: 0.8...1.5, maxUtilisation: nil,
          minVolumeRatio: 0
        ).multiplier
    }
    let oracle = MarketValue.evaluate(cells, table: oracleTable, bounds: 0.8...1.5)
    for line in oracle.lines where line.capture != nil { #expect(abs(line.capture! - 1) < 1e-9) }
  }
}
