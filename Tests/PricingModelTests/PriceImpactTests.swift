import Foundation
import Testing

@testable import PricingModel

@Suite("Price impact estimates (no database)")
struct PriceImpactTests {
  func cell(
    _ category: String, city: String = "Berlin", band: String = "junior", currency: String = "EUR", price: Double = 50,
    demand: Double, capacity: Double, elasticity: Double, se: Double = 0.05, multiplier: Double, against: Double = 1
  ) -> PriceImpact.Cell {
    PriceImpact.Cell(
      category: category, city: city, band: band, currency: currency, listPrice: price, demand: demand,
      capacity: capacity, elasticity: elasticity, elasticityStdError: se, multiplier: multiplier, against: against)
  }

  @Test("point estimates equal a hand computation, per currency and group, never added across currencies")
  func handComputation() {
    let cells = [
      cell("cleaning", demand: 8, capacity: 10, elasticity: -0.5, multiplier: 1.2),
      cell("cleaning", city: "Wien", demand: 14, capacity: 10, elasticity: -0.5, multiplier: 1.2, against: 1.1),
      cell("moving", city: "Zürich", currency: "CHF", price: 300, demand: 3, capacity: 4, elasticity: -2, multiplier: 0.8),
    ]
    let estimate = PriceImpact.estimate(cells, against: "flat", bounds: 0.8...1.5)
    #expect(estimate.total.map(\.currency) == ["CHF", "EUR"])
    let eur = estimate.total[1]
    let served = 8 * pow(1.2, -0.5)
    #expect(abs(eur.gmv - (50 * 1.2 * served + 50 * 1.2 * 10)) < 1e-9)
    #expect(abs(eur.gmv_against - (50 * 8 + 50 * 1.1 * 10)) < 1e-9)
    #expect(abs(eur.bookings - (served + 10)) < 1e-12)
    #expect(abs((eur.utilisation ?? 0) - (served + 10) / 20) < 1e-12)
    let chf = estimate.total[0]
    // Elastic and loose: 0.8^-2 = 1.5625 x 3 = 4.6875 bookings wanted, 4 slots.
    #expect(abs(chf.bookings - 4) < 1e-12)
    #expect(abs(chf.gmv - 300 * 0.8 * 4) < 1e-9)
    #expect(abs((chf.gmv_change ?? 0) - (300 * 0.8 * 4 / (300 * 3) - 1)) < 1e-12)
    #expect(estimate.by_category.map { "\($0.category!) \($0.currency)" } == ["cleaning EUR", "moving CHF"])
    #expect(estimate.by_city.map(\.city) == ["Berlin", "Wien", "Zürich"])
    #expect(abs(estimate.share_at_floor - 1.0 / 3) < 1e-12)
    #expect(estimate.share_at_ceiling == 0)
  }

  @Test("zero capacity, zero demand and an empty table give numbers, never NaN")
  func degenerate() {
    let cells = [
      cell("cleaning", demand: 0, capacity: 10, elasticity: -0.5, multiplier: 1.2),
      cell("cleaning", demand: 5, capacity: 0, elasticity: -0.5, multiplier: 1.2),
    ]
    let estimate = PriceImpact.estimate(cells, against: "flat", bounds: 0.8...1.5)
    let total = estimate.total[0]
    #expect(total.gmv == 0 && total.gmv_against == 0 && total.bookings == 0)
    #expect(total.gmv_change == nil)
    #expect(total.gmv_interval.low == 0 && total.gmv_interval.high == 0)
    let empty = PriceImpact.estimate([], against: "flat", bounds: 0.8...1.5)
    #expect(empty.total.isEmpty && empty.cells == 0 && empty.share_at_floor == 0)
  }

  @Test("the same seed gives the same intervals; a wider elasticity error gives a wider interval")
  func deterministicAndWidening() {
    let cells = (0..<20).map { index in
      cell("c\(index % 4)", demand: 5 + Double(index), capacity: 30, elasticity: -0.7, multiplier: 1.3)
    }
    let first = PriceImpact.estimate(cells, against: "flat", bounds: 0.8...1.5)
    #expect(first == PriceImpact.estimate(cells, against: "flat", bounds: 0.8...1.5))
    let wide = PriceImpact.estimate(
      cells.map { var c = $0; c.elasticityStdError = 0.3; return c }, against: "flat", bounds: 0.8...1.5)
    func width(_ estimate: PriceImpact.Estimate) -> Double {
      let interval = estimate.total[0].gmv_change_interval!
      return interval.high - interval.low
    }
    #expect(width(wide) > 2 * width(first))
  }

  @Test("the 90% interval covers the true expected GMV at about its rate when the truth is drawn as assumed")
  func coverage() {
    var random = PriceImpact.Random(state: 99)
    var uncertainty = PriceImpact.Uncertainty()
    uncertainty.level_std_error = 0.08
    let estimates = ["a": -0.7, "b": -1.4, "c": -1.0]
    let errors = ["a": 0.1, "b": 0.15, "c": 0.05]
    var covered = 0
    let trials = 300
    for trial in 0..<trials {
      uncertainty.seed = UInt64(trial + 1)
      // The truth, drawn from the estimate's distribution.
      var trueElasticity: [String: Double] = [:]
      var trueLevel: [String: Double] = [:]
      for (category, estimate) in estimates {
        trueElasticity[category] = estimate + errors[category]! * random.normal()
        trueLevel[category] = exp(uncertainty.level_std_error * random.normal())
      }
      let cells = estimates.keys.sorted().flatMap { category in
        (0..<5).map { index in
          cell(
            category, city: "x\(index)", demand: 4 + Double(index), capacity: 8, elasticity: estimates[category]!,
            se: errors[category]!, multiplier: 0.9 + 0.1 * Double(index))
        }
      }
      let truth = cells.reduce(0.0) { sum, c in
        let served = MultiplierPolicy.served(
          demand: c.demand * trueLevel[c.category]!, capacity: c.capacity, elasticity: trueElasticity[c.category]!,
          multiplier: c.multiplier)
        return sum + c.listPrice * c.multiplier * served
      }
      let interval = PriceImpact.estimate(cells, against: "flat", bounds: 0.8...1.5, uncertainty: uncertainty)
        .total[0].gmv_interval
      if interval.low <= truth && truth <= interval.high { covered += 1 }
    }
    let rate = Double(covered) / Double(trials)
    #expect(rate > 0.85 && rate < 0.95, "coverage \(rate)")
  }
}
