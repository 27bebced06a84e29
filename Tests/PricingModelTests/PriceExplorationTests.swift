import Foundation
import Testing

@testable import PricingModel

@Suite("Budgeted price exploration (no database)")
struct PriceExplorationTests {
  /// A fitted model on the shared synthetic cells, and 28 days of both cities to price.
  func plan(config: PolicyConfig, current: [String: Double] = [:], currentExploration: [String: Double] = [:]) throws
    -> (candidates: [CandidateMultiplier], exploration: PriceExploration.Summary)
  {
    let model = try DemandModel.fit(syntheticCells(), features: syntheticFeatures)
    var cells = futureCells(days: 28, city: "Berlin") + futureCells(days: 28, city: "Hamburg")
    for index in cells.indices {
      cells[index].supply = [
        BandSupply(band: "junior", capacity: 8, meanExperience: 1.5, listPrice: 50, currency: "EUR"),
        BandSupply(band: "senior", capacity: 12, meanExperience: 12, listPrice: 80, currency: "EUR"),
      ]
    }
    return MultiplierPolicy.plan(
      model: model, cells: cells, bands: bands, config: config, current: current, currentExploration: currentExploration)
  }

  func withoutExploration(_ config: PolicyConfig) -> PolicyConfig {
    var plain = config
    plain.explore = .off
    return plain
  }

  @Test("explored cells move within the bounds, one factor for every band of a cell and day, the rest not at all")
  func boundsAndOnePrice() throws {
    var config = PolicyConfig()
    config.explore.share = 0.5
    config.explore.max_perturbation = 0.2
    config.explore.max_cost = 1
    let explored = try plan(config: config).candidates
    let plain = try plan(config: withoutExploration(config)).candidates
    #expect(explored.count == plain.count)
    let before = Dictionary(uniqueKeysWithValues: plain.map { ($0.key, $0.multiplier) })
    var factorsByCell: [String: [Double]] = [:]
    for candidate in explored {
      #expect(candidate.multiplier >= 0.8 && candidate.multiplier <= 1.5, "\(candidate.key)")
      let ratio = candidate.multiplier / before[candidate.key]!
      if let factor = candidate.factors.exploration {
        #expect(abs(ratio - factor) < 1e-9)
        #expect(factor >= 1 / 1.2 - 1e-3 && factor <= 1.2 + 1e-3, "\(candidate.key): \(factor)")
      } else {
        #expect(candidate.multiplier == before[candidate.key]!, "\(candidate.key) moved without exploration")
      }
      factorsByCell["\(candidate.category)|\(candidate.city)|\(candidate.date)", default: []]
        .append(candidate.factors.exploration ?? 1)
    }
    // Every band of a cell and day gets the same move (up to the 4-decimal grid): one price per band for
    // every customer, and one experiment per cell.
    for (cell, factors) in factorsByCell {
      #expect(factors.max()! - factors.min()! < 1e-3, "\(cell): \(factors)")
    }
    let movedCells = factorsByCell.values.filter { $0[0] != 1 }.count
    #expect(movedCells > factorsByCell.count / 4 && movedCells < factorsByCell.count * 3 / 4, "\(movedCells) of \(factorsByCell.count)")
  }

  @Test("the same cell and day get the same draw in every run; another seed draws others")
  func deterministic() throws {
    let day = CalendarDay(daysSinceEpoch: 19_500)
    let config = ExplorationConfig()
    let first = PriceExploration.draw(seed: 7, category: "cleaning", city: "Berlin", date: day, config: config)
    #expect(first == PriceExploration.draw(seed: 7, category: "cleaning", city: "Berlin", date: day, config: config))
    let draws = (0..<400).map {
      PriceExploration.draw(seed: 7, category: "cleaning", city: "Berlin", date: day.adding(days: $0), config: config)
    }
    let others = (0..<400).map {
      PriceExploration.draw(seed: 8, category: "cleaning", city: "Berlin", date: day.adding(days: $0), config: config)
    }
    #expect(draws != others)
    let share = Double(draws.filter { $0 != 0 }.count) / 400
    #expect(abs(share - config.share) < 0.07, "share \(share)")
    #expect(draws.allSatisfy { abs($0) <= log(1 + ExplorationConfig.defaultMaxPerturbation) + 1e-12 })
    // Symmetric around list: as many moves up as down.
    let up = draws.filter { $0 > 0 }.count
    let down = draws.filter { $0 < 0 }.count
    #expect(abs(up - down) < 30, "\(up) up, \(down) down")
  }

  @Test("days the served table prices keep their served move, within the daily-change limit; new days draw theirs")
  func servedDaysKeepTheirMove() throws {
    var config = PolicyConfig()
    config.explore.share = 1
    config.explore.max_perturbation = 0.3
    config.explore.max_cost = 1
    let first = try plan(config: config).candidates
    // The served table priced the first two weeks, 5% below this plan's prices (as an older model would):
    // the limit leaves +15% / -5% of room around them.
    let cutoff = first.map(\.date).min()!.adding(days: 14)
    let servedDays = first.filter { $0.date < cutoff }
    let served = Dictionary(uniqueKeysWithValues: servedDays.map { ($0.key, $0.multiplier / 1.05) })
    let factors = Dictionary(uniqueKeysWithValues: servedDays.compactMap { c in c.factors.exploration.map { (c.key, $0) } })
    let next = try plan(config: config, current: served, currentExploration: factors).candidates
    for candidate in next {
      if let previous = served[candidate.key] {
        #expect(abs(candidate.multiplier / previous - 1) <= 0.10 + 1e-4, "\(candidate.key)")
        // The served move, unless the limit held it (the 5% gap is within it here).
        #expect(abs((candidate.factors.exploration ?? 1) - (factors[candidate.key] ?? 1)) < 2e-3, "\(candidate.key)")
      }
    }
    let newDays = next.filter { $0.date >= cutoff }
    #expect(newDays.contains { $0.factors.exploration != nil })
    #expect(newDays.allSatisfy { served[$0.key] == nil })
  }

  @Test("a table planned again over the one it published keeps its explored prices (the daily limit holds the policy's own price)")
  func replanConverges() throws {
    var config = PolicyConfig()
    config.explore.share = 1
    config.explore.max_perturbation = 0.3
    config.explore.max_cost = 1
    let first = try plan(config: config).candidates
    let served = Dictionary(uniqueKeysWithValues: first.map { ($0.key, $0.multiplier) })
    let factors = Dictionary(uniqueKeysWithValues: first.compactMap { c in c.factors.exploration.map { (c.key, $0) } })
    #expect(factors.values.contains { abs($0 - 1) > 0.1 })
    let again = try plan(config: config, current: served, currentExploration: factors).candidates
    for candidate in again {
      #expect(abs(candidate.multiplier - served[candidate.key]!) <= 1e-4, "\(candidate.key)")
    }
  }

  @Test("the budget holds the expected GMV cost to max_cost of the table's expected GMV")
  func budget() throws {
    var config = PolicyConfig()
    config.explore.share = 1
    config.explore.max_perturbation = 0.3
    config.explore.max_cost = 1
    let free = try plan(config: config).exploration
    #expect(free.scale == 1)
    #expect(free.worstCostShare > 0.002, "unbudgeted cost \(free.worstCostShare)")
    config.explore.max_cost = 0.002
    let (candidates, budgeted) = try plan(config: config)
    #expect(budgeted.scale < 1)
    #expect(budgeted.worstCostShare <= 0.002 + 1e-9)
    #expect(budgeted.explored_cells > 0)
    // The summary's cost is the table's: expected GMV at the explored and at the planned multipliers.
    let plain = try plan(config: withoutExploration(config)).candidates
    let gmv = candidates.reduce(0) { $0 + ($1.factors.expected_gmv ?? 0) }
    let plainGMV = plain.reduce(0) { $0 + ($1.factors.expected_gmv ?? 0) }
    let cost = budgeted.costs.reduce(0) { $0 + $1.expected_cost }
    #expect(abs((plainGMV - gmv) - cost) <= 0.0002 * plainGMV, "cost \(cost) against \(plainGMV - gmv)")
    config.explore.max_cost = 0
    let none = try plan(config: config)
    #expect(none.exploration.worstCostShare <= 1e-12)
  }

  @Test("exploration never moves overridden cells or cells without capacity")
  func exemptCells() throws {
    var config = PolicyConfig()
    config.explore.share = 1
    config.explore.max_cost = 1
    let model = try DemandModel.fit(syntheticCells(), features: syntheticFeatures)
    let empty = MultiplierPolicy.plan(
      model: model, cells: futureCells(days: 7, capacity: 0), bands: bands, config: config)
    #expect(empty.candidates.allSatisfy { $0.factors.exploration == nil && $0.multiplier == 1 })
    let override = PriceOverride(
      id: 1, category: "cleaning", city: nil, band: nil, from: CalendarDay(daysSinceEpoch: 19_400),
      to: CalendarDay(daysSinceEpoch: 19_427), kind: .fixed, value: 1.1, reason: "launch", createdBy: "ops")
    let overridden = MultiplierPolicy.plan(
      model: model, cells: futureCells(days: 28), bands: bands, config: config, overrides: [override])
    let cleaning = overridden.candidates.filter { $0.category == "cleaning" }
    #expect(cleaning.allSatisfy { $0.factors.exploration == nil && $0.multiplier == 1.1 })
    #expect(overridden.candidates.contains { $0.category == "moving" && $0.factors.exploration != nil })
  }

  @Test("the factor is stored with the candidate's factors and read back; explain names it")
  func storedAndExplained() throws {
    var config = PolicyConfig()
    config.explore.share = 1
    config.explore.max_cost = 1
    let candidate = try #require(try plan(config: config).candidates.first { $0.factors.exploration != nil })
    let decoded = try JSONDecoder().decode(MultiplierFactors.self, from: JSONEncoder().encode(candidate.factors))
    #expect(decoded.exploration == candidate.factors.exploration)
    let text = MultiplierPolicy.explain(candidate)
    #expect(text.contains(String(format: "x exploration %.4f", candidate.factors.exploration!)))
    #expect(text.contains("a randomised move of this cell and day"))
  }

  @Test("a category explores fully while its elasticity is uncertain, and a quarter as much once learned")
  func uncertaintyScale() {
    #expect(PriceExploration.uncertaintyScale(nil) == 1)
    #expect(PriceExploration.uncertaintyScale(.infinity) == 1)
    #expect(PriceExploration.uncertaintyScale(2 * Elasticity.targetStdError) == 1)
    #expect(abs(PriceExploration.uncertaintyScale(0.5 * Elasticity.targetStdError) - 0.5) < 1e-12)
    #expect(PriceExploration.uncertaintyScale(0.01 * Elasticity.targetStdError) == PriceExploration.learnedScale)
  }

  @Test("settings out of range name the setting")
  func settings() {
    var config = ExplorationConfig()
    #expect(config.problem(boundsWidth: 0.7) == nil)
    config.share = 1.5
    #expect(config.problem(boundsWidth: 0.7) == "share must be in [0, 1]")
    config.share = 0.2
    config.max_perturbation = 0.9
    #expect(
      config.problem(boundsWidth: 0.7)
        == "max_perturbation must not exceed the bounds' width 0.7 (max_multiplier - min_multiplier)")
    config.max_perturbation = 0.1
    config.max_cost = -0.01
    #expect(config.problem(boundsWidth: 0.7) == "max_cost must be in [0, 1]")
    // Not set, the largest move follows tightened bounds instead of refusing them.
    config = ExplorationConfig()
    #expect(config.problem(boundsWidth: 0) == nil)
    #expect(config.maxPerturbation(boundsWidth: 0) == 0)
    #expect(config.maxPerturbation(boundsWidth: 0.2) == 0.2)
    #expect(config.maxPerturbation(boundsWidth: 0.7) == ExplorationConfig.defaultMaxPerturbation)
  }
}
