import Foundation
import Testing

@testable import PricingModel

@Suite("Elasticities identified by logged exploration (no database)")
struct ElasticityIdentificationTests {
  static let truth = -1.6

  /// A history at list price, then `pipelineDays` days priced by a pipeline that sees a demand shock the
  /// model does not (it raises prices where demand will be high, within the bounds 0.8-1.5: the control is
  /// not a linear stand-in for the shock), with exploration factors logged on `share` of the cells,
  /// log-uniform within +/-`width`, reflected and clamped at the bounds as the policy does. One small city
  /// books nothing on many days: its price is then known only from the table.
  static func confoundedCells(pipelineDays: Int, share: Double, width: Double = 0.14, seed: UInt64 = 3) -> [DemandCell] {
    var random = SimulationRandom(state: seed)
    var cells: [DemandCell] = []
    let start = 19_000
    let history = 400
    for day in 0..<(history + pipelineDays) {
      let date = CalendarDay(daysSinceEpoch: start + day)
      for (city, effect, capacity) in [
        ("Berlin", 0.2, 40.0), ("Hamburg", -0.1, 40.0), ("Munich", 0.0, 40.0), ("Cologne", -0.3, 40.0), ("Bonn", -0.5, 1.0),
      ] {
        let shock = 0.35 * random.normal()
        var logRatio = 0.0
        var explored: Double?
        var planned: Double?
        if day >= history {
          // The pipeline's price: its answer to the demand it foresees (the shock included), within the
          // bounds, then the logged exploration, reflected and clamped into them.
          let (low, high) = (log(0.8), log(1.5))
          let price = min(max(0.6 * shock, low), high)
          var factor = random.uniform() < share ? (2 * random.uniform() - 1) * width : 0
          if price + factor > high || price + factor < low { factor = -factor }
          factor = min(max(factor, low - price), high - price)
          logRatio = price + factor
          explored = factor
          planned = price
        }
        let eta = 0.3 + effect + shock + truth * logRatio + (date.isoWeekday == 7 ? -0.3 : 0)
        let bookings = random.poisson(capacity * exp(eta))
        cells.append(
          DemandCell(
            category: "cleaning", city: city, date: date, bookings: bookings, capacity: capacity, meanExperience: 5,
            logPriceRatio: bookings > 0 || explored == nil ? logRatio : nil, southern: false, logExploration: explored,
            logPlannedPrice: planned))
      }
    }
    return cells
  }

  static func fit(_ cells: [DemandCell], _ mode: ElasticityIdentification) throws -> Elasticity {
    var config = DemandModelConfig()
    config.elasticityIdentification = mode
    config.elasticityLower = -6
    config.elasticityUpper = 3
    let features = DemandFeatures(
      categories: ["cleaning"], cities: ["Berlin", "Bonn", "Cologne", "Hamburg", "Munich"], useHoliday: false,
      separatesPipelinePrices: mode == .exploration && cells.contains { $0.logExploration != nil })
    return try #require(try DemandModel.fit(cells, features: features, config: config).elasticity(of: "cleaning"))
  }

  @Test("on prices confounded with demand, the plain fit is biased and the exploration fit recovers the truth")
  func recoversPlantedElasticity() throws {
    let cells = Self.confoundedCells(pipelineDays: 300, share: 0.5)
    let plain = try Self.fit(cells, .allPrices)
    let explored = try Self.fit(cells, .exploration)
    // The shock raises demand and price together: the plain fit reads it as demand answering price.
    #expect(plain.estimate > Self.truth + 0.5, "plain \(plain.estimate) (se \(plain.stdError))")
    #expect(abs(explored.estimate - Self.truth) < 3 * explored.stdError, "explored \(explored.estimate) (se \(explored.stdError))")
    #expect(explored.stdError < 0.25)
    #expect(explored.source == .fitted)
    #expect(explored.exploredDays == Self.exploredDays(cells))
    #expect(explored.daysNeeded != nil)
  }

  static func exploredDays(_ cells: [DemandCell]) -> Int {
    Set(cells.filter { ($0.logExploration ?? 0) != 0 }.map(\.date)).count
  }

  @Test("without exploration the pipeline's own prices teach nothing: the prior, not a drifted estimate")
  func noExplorationKeepsPrior() throws {
    let cells = Self.confoundedCells(pipelineDays: 120, share: 0)
    let elasticity = try Self.fit(cells, .exploration)
    #expect(elasticity.source == .prior)
    #expect(elasticity.estimate == DemandModelConfig().elasticityPrior)
    #expect(elasticity.stdError == .infinity)
    #expect(elasticity.exploredDays == 0)
    #expect(elasticity.daysNeeded == nil)
  }

  @Test("thin exploration falls back to the prior and says how many explored days more it needs")
  func thinDataFallsBack() throws {
    let cells = Self.confoundedCells(pipelineDays: 6, share: 0.25, width: 0.05)
    let elasticity = try Self.fit(cells, .exploration)
    #expect(elasticity.source == .prior)
    #expect(elasticity.estimate == DemandModelConfig().elasticityPrior)
    let dataError = try #require(elasticity.dataStdError)
    #expect(dataError > DemandModelConfig().elasticityMaxStdError)
    let days = try #require(elasticity.exploredDays)
    let needed = try #require(elasticity.daysNeeded)
    // Variance falls as 1 / days: days x (se / target)^2 days in all.
    let expected = min(Double(Elasticity.maxDaysNeeded), Double(days) * pow(dataError / Elasticity.targetStdError, 2) - Double(days))
    #expect(abs(Double(needed) - expected) <= 1)
  }

  @Test("days needed: none at the target, proportional to the variance above it")
  func daysNeeded() {
    #expect(Elasticity.daysNeeded(stdError: Elasticity.targetStdError, exploredDays: 10) == 0)
    #expect(Elasticity.daysNeeded(stdError: 2 * Elasticity.targetStdError, exploredDays: 10) == 30)
    #expect(Elasticity.daysNeeded(stdError: 0.5, exploredDays: 0) == nil)
    #expect(Elasticity.daysNeeded(stdError: .infinity, exploredDays: 5) == nil)
    #expect(Elasticity.daysNeeded(stdError: 100, exploredDays: 5) == Elasticity.maxDaysNeeded)
  }

  @Test("a day priced by the pipeline is predicted with its exploration and the control it was fitted with")
  func predictsPipelineDays() throws {
    let cells = Self.confoundedCells(pipelineDays: 200, share: 0.5)
    let features = DemandFeatures(
      categories: ["cleaning"], cities: ["Berlin", "Bonn", "Cologne", "Hamburg", "Munich"], useHoliday: false,
      separatesPipelinePrices: true)
    let model = try DemandModel.fit(cells, features: features)
    let pipeline = cells.filter { $0.logExploration != nil }
    let predicted = pipeline.reduce(0) { $0 + model.predict($1) }
    let actual = pipeline.reduce(0) { $0 + $1.bookings }
    // Read as history (the elasticity on the whole price, no control), the same days are predicted worse.
    let asHistory = pipeline.reduce(0) { total, cell in
      var plain = cell
      plain.logExploration = nil
      return total + model.predict(plain)
    }
    #expect(abs(predicted / actual - 1) < 0.05, "predicted \(predicted), actual \(actual)")
    #expect(abs(predicted / actual - 1) < abs(asHistory / actual - 1), "\(predicted) against \(asHistory), actual \(actual)")
    #expect(model.coefficients["pipeline_price[cleaning]"] != nil)
  }
}
