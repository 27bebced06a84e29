import Foundation
import Testing

@testable import PricingModel

@Suite("Manual overrides: precedence and how the policy applies them (no database)")
struct PriceOverrideTests {
  let day = CalendarDay(daysSinceEpoch: 20_500)
  let bounds = 0.8...1.5

  func override(
    _ id: Int64, _ kind: PriceOverride.Kind, _ value: Double?, city: String? = nil, band: String? = nil,
    days: ClosedRange<Int> = 0...6, expiresOn: Int? = nil
  ) -> PriceOverride {
    PriceOverride(
      id: id, category: "cleaning", city: city, band: band, from: day.adding(days: days.lowerBound),
      to: day.adding(days: days.upperBound), kind: kind, value: value, reason: "test \(id)", createdBy: "ana",
      expiresOn: expiresOn.map { day.adding(days: $0) })
  }

  func resolve(_ dynamic: Double, _ overrides: [PriceOverride]) -> PriceOverride.Resolution? {
    PriceOverride.resolve(dynamic: dynamic, overrides: overrides, bounds: bounds)
  }

  @Test("the precedence matrix", arguments: [
    // (dynamic, overrides as (id, kind, value, city?, band?), expected multiplier, decisive ids)
    (1.2, [(1, "fixed", 1.1, nil, nil)], 1.1, [1]),
    (1.2, [(1, "freeze", nil, nil, nil)], 1.0, [1]),
    (1.2, [(1, "min", 1.3, nil, nil)], 1.3, [1]),
    (1.2, [(1, "max", 1.0, nil, nil)], 1.0, [1]),
    (1.2, [(1, "factor", 1.1, nil, nil)], 1.32, [1]),
    // A fixed multiplier may leave the policy's bounds; min, max and factor stay within them.
    (1.2, [(1, "fixed", 2.0, nil, nil)], 2.0, [1]),
    (1.2, [(1, "factor", 1.5, nil, nil)], 1.5, [1]),
    (1.2, [(1, "min", 1.8, nil, nil)], 1.5, [1]),
    // fixed and freeze replace the dynamic value; the most specific wins, then the newest.
    (1.2, [(1, "fixed", 1.1, "Berlin", nil), (2, "freeze", nil, nil, nil)], 1.1, [1]),
    (1.2, [(1, "fixed", 1.1, nil, "senior"), (2, "freeze", nil, "Berlin", nil)], 1.0, [2]),
    (1.2, [(1, "fixed", 1.1, nil, nil), (2, "fixed", 1.05, nil, nil)], 1.05, [2]),
    (1.2, [(1, "min", 1.4, nil, nil), (2, "fixed", 0.9, nil, nil)], 0.9, [2]),
    // factor, then min, then max, each the most specific of its kind.
    (1.0, [(1, "factor", 1.2, nil, nil), (2, "max", 1.1, "Berlin", nil)], 1.1, [1, 2]),
    (1.0, [(1, "min", 1.3, nil, nil), (2, "min", 1.05, "Berlin", nil)], 1.05, [2]),
    (1.0, [(1, "min", 1.3, nil, nil), (2, "max", 1.2, nil, nil)], 1.2, [1, 2]),
    (0.9, [(1, "factor", 0.9, nil, nil), (2, "min", 0.85, nil, nil)], 0.85, [1, 2]),
  ] as [(Double, [(Int64, String, Double?, String?, String?)], Double, [Int64])])
  func precedence(dynamic: Double, given: [(Int64, String, Double?, String?, String?)], expected: Double, ids: [Int64]) {
    let overrides = given.map { override($0.0, PriceOverride.Kind(rawValue: $0.1)!, $0.2, city: $0.3, band: $0.4) }
    let resolution = resolve(dynamic, overrides)
    #expect(resolution?.multiplier == expected)
    #expect(resolution?.applied.map(\.id) == ids)
  }

  @Test("scope, days and expiry decide whether an override applies")
  func applies() {
    let berlin = override(1, .fixed, 1.1, city: "Berlin", band: "senior", days: 2...4, expiresOn: 4)
    #expect(berlin.applies(category: "cleaning", city: "Berlin", band: "senior", date: day.adding(days: 2)))
    #expect(berlin.applies(category: "cleaning", city: "Berlin", band: "senior", date: day.adding(days: 3)))
    #expect(!berlin.applies(category: "cleaning", city: "Berlin", band: "senior", date: day.adding(days: 4)))  // expired
    #expect(!berlin.applies(category: "cleaning", city: "Berlin", band: "senior", date: day.adding(days: 1)))
    #expect(!berlin.applies(category: "cleaning", city: "Wien", band: "senior", date: day.adding(days: 2)))
    #expect(!berlin.applies(category: "cleaning", city: "Berlin", band: "junior", date: day.adding(days: 2)))
    #expect(!berlin.applies(category: "moving", city: "Berlin", band: "senior", date: day.adding(days: 2)))
    #expect(resolve(1.2, []) == nil)
    #expect(override(2, .min, 1, city: "Berlin").specificity == 2)
    #expect(override(2, .min, 1, band: "junior").specificity == 1)
  }

  @Test("the policy applies overrides after smoothing, records them, and never holds them back by the daily limit")
  func inThePolicy() throws {
    let model = try DemandModel.fit(syntheticCells(), features: syntheticFeatures)
    let cells = futureCells(days: 6)
    var config = PolicyConfig()
    config.smoothing_days = 1
    let plain = MultiplierPolicy.candidates(model: model, cells: cells, bands: bands, config: config)
    // Published far from the override: the override is reached at once, not 10% a day.
    let published = Dictionary(uniqueKeysWithValues: plain.map { ($0.key, 0.8) })
    let start = plain.map(\.date).min()!
    let fixed = PriceOverride(
      id: 7, category: "cleaning", city: "Berlin", band: nil, from: start, to: start.adding(days: 2), kind: .fixed,
      value: 1.45, reason: "storm week", createdBy: "ana")
    let candidates = MultiplierPolicy.candidates(
      model: model, cells: cells, bands: bands, config: config, current: published, overrides: [fixed])
    for candidate in candidates where candidate.category == "cleaning" {
      if candidate.date <= start.adding(days: 2) {
        #expect(candidate.multiplier == 1.45)
        #expect(candidate.factors.overrides?.map(\.id) == [7])
        #expect(candidate.factors.override_fixed == true)
        #expect(candidate.factors.binding == "override")
        let dynamic = try #require(candidate.factors.dynamic)
        #expect(abs(dynamic * (candidate.factors.override ?? .nan) - 1.45) < 1e-9)
        #expect(MultiplierPolicy.explain(candidate).contains("override 7 (fixed 1.4500) by ana: storm week"))
      } else {
        // After the override: the daily limit against the published 0.8 holds again.
        #expect(candidate.factors.overrides == nil)
        #expect(candidate.multiplier <= 0.88 + 1e-9)
      }
    }
    #expect(candidates.filter { $0.category == "moving" } == MultiplierPolicy.candidates(
      model: model, cells: cells, bands: bands, config: config, current: published
    ).filter { $0.category == "moving" })
  }
}
