import Foundation
import Testing

@testable import PricingModel

/// Synthetic cells from a known demand model: two categories, two cities, a season, a price effect.
func syntheticCells(
  days: Int = 400, elasticity: [String: Double] = ["cleaning": -1.5, "moving": -0.8],
  season: [String: Double] = ["cleaning": 0.3, "moving": 0.5], priceVaries: Bool = true, seed: UInt64 = 1
) -> [DemandCell] {
  var random = SimulationRandom(state: seed)
  var cells: [DemandCell] = []
  let start = 19_000
  for day in 0..<days {
    let date = CalendarDay(daysSinceEpoch: start + day)
    let t = 2 * Double.pi * Double(date.dayOfYear - 1) / 365.25
    for (category, base) in [("cleaning", -0.4), ("moving", -0.9)] {
      for (city, effect) in [("Berlin", 0.2), ("Hamburg", -0.1)] {
        let logRatio = priceVaries ? log(0.8 + 0.5 * random.uniform()) : 0
        let capacity = 20.0
        let eta = base + effect + season[category]! * cos(t) + elasticity[category]! * logRatio
          + (date.isoWeekday == 7 ? -0.3 : 0)
        cells.append(
          DemandCell(
            category: category, city: city, date: date, bookings: random.poisson(capacity * exp(eta)),
            capacity: capacity, meanExperience: 5, logPriceRatio: logRatio, southern: false))
      }
    }
  }
  return cells
}

let syntheticFeatures = DemandFeatures(categories: ["cleaning", "moving"], cities: ["Berlin", "Hamburg"], useHoliday: false)
let bands = [
  ExperienceBand(name: "junior", minYears: 0, maxYears: 3), ExperienceBand(name: "senior", minYears: 10, maxYears: nil),
]

func futureCells(days: Int = 14, capacity: Double = 20, city: String = "Berlin", history: Double = 1000) -> [FutureCell] {
  (0..<days).flatMap { day in
    ["cleaning", "moving"].map { category in
      FutureCell(
        category: category, city: city, date: CalendarDay(daysSinceEpoch: 19_400 + day), capacity: capacity,
        meanExperience: 5, southern: false, historyBookings: history)
    }
  }
}

@Suite("Demand model and multiplier policy (no database)")
struct DemandPolicyTests {
  @Test("the model recovers the elasticities of synthetic cells")
  func recovery() throws {
    let model = try DemandModel.fit(syntheticCells(), features: syntheticFeatures)
    #expect(model.glm.converged)
    for (category, truth) in [("cleaning", -1.5), ("moving", -0.8)] {
      let elasticity = try #require(model.elasticity(of: category))
      #expect(elasticity.source == .fitted)
      #expect(abs(elasticity.estimate - truth) < 3 * elasticity.stdError)
    }
  }

  @Test("multipliers are within the bounds and higher where predicted demand per slot is higher")
  func monotone() throws {
    let model = try DemandModel.fit(syntheticCells(), features: syntheticFeatures)
    var config = PolicyConfig()
    config.smoothing_days = 1
    config.explore = .off  // the rule itself; exploration moves cells at random on purpose
    let candidates = MultiplierPolicy.candidates(model: model, cells: futureCells(), bands: bands, config: config)
    #expect(candidates.count == 14 * 2 * 2)
    #expect(candidates.allSatisfy { $0.multiplier >= 0.8 && $0.multiplier <= 1.5 })
    for category in ["cleaning", "moving"] {
      let same = candidates.filter { $0.category == category && $0.band == "junior" && $0.factors.clamp == 1 }
      for a in same {
        for b in same where a.factors.pressure > b.factors.pressure * 1.01 {
          #expect(a.multiplier >= b.multiplier, "\(a.key) \(a.multiplier) vs \(b.key) \(b.multiplier)")
        }
      }
    }
    // The senior band is priced above the junior one when experience raises demand, and equal otherwise.
    let junior = candidates.first { $0.band == "junior" }!
    let senior = candidates.first { $0.band == "senior" && $0.key.hasPrefix("\(junior.category)|\(junior.city)|senior|\(junior.date)") }!
    if model.experienceEffect > 0 { #expect(senior.multiplier >= junior.multiplier) }
  }

  @Test("the factors multiply to the multiplier, under either objective")
  func factorsMultiply() throws {
    let model = try DemandModel.fit(syntheticCells(), features: syntheticFeatures)
    var config = PolicyConfig()
    config.objective = .utilisation
    for candidate in MultiplierPolicy.candidates(model: model, cells: futureCells(), bands: bands, config: config) {
      let f = candidate.factors
      let product =
        f.base * f.city * f.season * f.weekday * f.experience * f.band * f.smoothing * f.clamp * (f.exploration ?? 1)
      #expect(abs(product - candidate.multiplier) < 1e-9)
    }
    for candidate in MultiplierPolicy.candidates(model: model, cells: futureCells(), bands: bands, config: PolicyConfig()) {
      let f = candidate.factors
      let product = try #require(f.optimum) * (f.shrink ?? .nan) * f.smoothing * f.clamp * (f.exploration ?? 1)
      #expect(abs(product - candidate.multiplier) < 1e-9)
    }
  }

  @Test("no multiplier moves more than the daily limit against the published one")
  func dailyLimit() throws {
    let model = try DemandModel.fit(syntheticCells(), features: syntheticFeatures)
    let cells = futureCells()
    let first = MultiplierPolicy.candidates(model: model, cells: cells, bands: bands, config: PolicyConfig())
    // Pretend the published prices are far away: every new one must stay within 10% of them.
    let published = Dictionary(uniqueKeysWithValues: first.map { ($0.key, $0.multiplier > 1.1 ? 0.85 : 1.45) })
    let next = MultiplierPolicy.candidates(model: model, cells: cells, bands: bands, config: PolicyConfig(), current: published)
    for candidate in next {
      let previous = published[candidate.key]!
      #expect(abs(candidate.multiplier / previous - 1) <= 0.10 + 1e-9, "\(candidate.key)")
      #expect(candidate.multiplier >= 0.8 && candidate.multiplier <= 1.5)
    }
  }

  @Test("tightened bounds win over the daily limit: every multiplier is inside the new bounds at once")
  func tightenedBounds() throws {
    let model = try DemandModel.fit(syntheticCells(), features: syntheticFeatures)
    let cells = futureCells()
    // Published under max 1.5 / min 0.8; the policy now says [0.9, 1.3], then [1, 1].
    let published = Dictionary(
      uniqueKeysWithValues: MultiplierPolicy.candidates(model: model, cells: cells, bands: bands, config: PolicyConfig())
        .enumerated().map { ($1.key, $0 % 2 == 0 ? 1.5 : 0.8) })
    var tight = PolicyConfig()
    (tight.min_multiplier, tight.max_multiplier) = (0.9, 1.3)
    let next = MultiplierPolicy.candidates(model: model, cells: cells, bands: bands, config: tight, current: published)
    #expect(next.allSatisfy { $0.multiplier >= 0.9 && $0.multiplier <= 1.3 }, "\(next.map(\.multiplier))")
    // A published 1.5 can only come down to the new cap; the daily limit would have kept it at 1.35.
    #expect(next.filter { published[$0.key] == 1.5 }.allSatisfy { $0.multiplier == 1.3 })
    (tight.min_multiplier, tight.max_multiplier) = (1, 1)
    let flat = MultiplierPolicy.candidates(model: model, cells: cells, bands: bands, config: tight, current: published)
    #expect(flat.allSatisfy { $0.multiplier == 1 })
  }

  @Test("the allowed range: the bounds, the daily limit inside them, on the 4-decimal grid")
  func allowedRange() {
    var config = PolicyConfig()
    (config.min_multiplier, config.max_multiplier, config.max_daily_change) = (0.85, 1.15, 0.1)
    #expect(MultiplierPolicy.allowedRange(previous: nil, config: config) == 0.85...1.15)
    #expect(MultiplierPolicy.allowedRange(previous: 1.0, config: config) == 0.9...1.1)
    #expect(MultiplierPolicy.allowedRange(previous: 1.1, config: config) == 0.99...1.15)
    #expect(MultiplierPolicy.allowedRange(previous: 1.5, config: config) == 1.15...1.15)
    #expect(MultiplierPolicy.allowedRange(previous: 0.5, config: config) == 0.85...0.85)
  }

  @Test("a category launched 40 days ago: its season follows the pooled curve, its forecast stays finite")
  func newCategory() throws {
    var cells = syntheticCells()
    let last = cells.map(\.date.daysSinceEpoch).max()!
    var random = SimulationRandom(state: 5)
    for day in (last - 39)...last {
      for city in ["Berlin", "Hamburg"] {
        cells.append(
          DemandCell(
            category: "gardening", city: city, date: CalendarDay(daysSinceEpoch: day),
            bookings: random.poisson(20 * exp(-0.5)), capacity: 20, meanExperience: 5,
            logPriceRatio: log(0.8 + 0.5 * random.uniform()), southern: false))
      }
    }
    let features = DemandFeatures(categories: ["cleaning", "gardening", "moving"], cities: ["Berlin", "Hamburg"], useHoliday: false)
    let model = try DemandModel.fit(cells, features: features)
    for offset in stride(from: 1, through: 365, by: 7) {
      let parts = model.components(
        category: "gardening", city: "Berlin", date: CalendarDay(daysSinceEpoch: last + offset), southern: false,
        meanExperience: 5, holiday: false)
      #expect(parts.total.isFinite)
      #expect(abs(parts.season) < 1.5, "day +\(offset): season \(parts.season)")
    }
  }

  @Test("a category with flat demand and no price response gets exactly 1")
  func flatCategory() throws {
    let cells = syntheticCells(elasticity: ["cleaning": -1.5, "moving": 0], season: ["cleaning": 0.3, "moving": 0])
    let model = try DemandModel.fit(cells, features: syntheticFeatures)
    var config = PolicyConfig()
    config.explore = .off  // exploration would move some of its cells on purpose
    let candidates = MultiplierPolicy.candidates(model: model, cells: futureCells(), bands: bands, config: config)
    let moving = candidates.filter { $0.category == "moving" }
    #expect(!moving.isEmpty)
    #expect(moving.allSatisfy { $0.multiplier == 1 }, "\(moving.map(\.multiplier))")
    #expect(moving.allSatisfy { $0.factors.confidence == 0 })
  }

  @Test("a single price level: the elasticity falls back to its prior and says so")
  func singlePriceLevel() throws {
    let model = try DemandModel.fit(syntheticCells(priceVaries: false), features: syntheticFeatures)
    for category in ["cleaning", "moving"] {
      let elasticity = try #require(model.elasticity(of: category))
      #expect(elasticity.source == .prior)
      #expect(elasticity.estimate == DemandModelConfig().elasticityPrior)
    }
    let candidates = MultiplierPolicy.candidates(model: model, cells: futureCells(), bands: bands, config: PolicyConfig())
    #expect(candidates.allSatisfy { $0.factors.confidence == PolicyConfig().prior_confidence })
  }

  @Test("a day with zero capacity is priced at 1, and says why")
  func zeroCapacity() throws {
    let model = try DemandModel.fit(syntheticCells(), features: syntheticFeatures)
    let candidates = MultiplierPolicy.candidates(
      model: model, cells: futureCells(days: 3, capacity: 0), bands: bands, config: PolicyConfig())
    #expect(candidates.allSatisfy { $0.multiplier == 1 && $0.factors.fallback == "no capacity: multiplier 1" })
  }

  @Test("a new city without history and a pair with little history fall back, and say so")
  func fallbacks() throws {
    let model = try DemandModel.fit(syntheticCells(), features: syntheticFeatures)
    let newCity = MultiplierPolicy.candidates(
      model: model, cells: futureCells(days: 2, city: "Leipzig", history: 0), bands: bands, config: PolicyConfig())
    #expect(newCity.allSatisfy { $0.factors.fallback == "new city without history: priced from its category" })
    #expect(newCity.allSatisfy { $0.multiplier >= 0.8 && $0.multiplier <= 1.5 })
    let thin = MultiplierPolicy.candidates(
      model: model, cells: futureCells(days: 2, history: 3), bands: bands, config: PolicyConfig())
    #expect(thin.allSatisfy { $0.factors.fallback == "category and city effects only: 3 bookings of history" })
  }

  @Test("a category with a single booking still fits, with a wide interval")
  func oneBooking() throws {
    var cells = syntheticCells(days: 200)
    for index in cells.indices where cells[index].category == "moving" { cells[index].bookings = 0 }
    let index = cells.firstIndex { $0.category == "moving" }!
    cells[index].bookings = 1
    let model = try DemandModel.fit(cells, features: syntheticFeatures)
    #expect(model.glm.converged)
    #expect(model.elasticity(of: "cleaning")?.source == .fitted)
    let candidates = MultiplierPolicy.candidates(model: model, cells: futureCells(), bands: bands, config: PolicyConfig())
    #expect(candidates.allSatisfy { $0.multiplier.isFinite && $0.multiplier >= 0.8 && $0.multiplier <= 1.5 })
  }

  @Test("holdout metrics and the seasonal-naive baseline")
  func validation() {
    let metrics = Validation.metrics(actual: [2, 0, 4], predicted: [2, 1, 3])
    #expect(abs(metrics.wape - 2.0 / 6.0) < 1e-12)
    #expect(abs(metrics.calibration - 1) < 1e-12)
    let day = CalendarDay(daysSinceEpoch: 20_000)
    let training = (1...4).map { week in
      DemandCell(category: "c", city: "x", date: day.adding(days: -7 * week), bookings: Double(week), capacity: 1,
                 meanExperience: 5, logPriceRatio: 0, southern: false)
    }
    let holdout = [DemandCell(category: "c", city: "x", date: day, bookings: 3, capacity: 1, meanExperience: 5,
                              logPriceRatio: 0, southern: false)]
    #expect(Validation.seasonalNaive(training: training, holdout: holdout, holdoutStart: day, weeks: 4) == [2.5])
    #expect(Validation.seasonalNaive(training: training, holdout: holdout, holdoutStart: day, weeks: 2) == [1.5])
    #expect(abs(Validation.bookingRegret([(1.2, 1.0, 3), (1.0, 1.1, 1)])! - 0.2 / 1.2) < 1e-12)
    let quotes = Validation.quoteMetrics([(1.2, 1.0, false, 3), (1.0, 1.1, true, 1), (1.2, 1.0, true, 1)])
    #expect(quotes.price_decrease_recall == 1)
    #expect(quotes.price_decrease_precision == 0.75)
    #expect(quotes.price_increase_recall == 0.5)
    #expect(quotes.price_increase_precision == 1)
  }
}

@Suite("Demand model: sparse history")
struct SparseHistoryTests {
  @Test("a city with no bookings for months still fits, and its multipliers stay finite and bounded")
  func silentMonths() throws {
    var cells = syntheticCells()
    for index in cells.indices where cells[index].city == "Hamburg" && cells[index].date.daysSinceEpoch < 19_000 + 150 {
      cells[index].bookings = 0
    }
    let model = try DemandModel.fit(cells, features: syntheticFeatures)
    #expect(model.glm.converged)
    let candidates = MultiplierPolicy.candidates(
      model: model, cells: futureCells(city: "Hamburg"), bands: bands, config: PolicyConfig())
    #expect(candidates.allSatisfy { $0.multiplier.isFinite && $0.multiplier >= 0.8 && $0.multiplier <= 1.5 })
  }

  @Test("holiday cells get their own effect when the calendar has them")
  func holiday() throws {
    var random = SimulationRandom(state: 3)
    var cells = syntheticCells(days: 300)
    for index in cells.indices where cells[index].date.daysSinceEpoch % 17 == 0 {
      cells[index].holiday = true
      cells[index].bookings = random.poisson(cells[index].bookings * exp(0.5) + 0.01)
    }
    let features = DemandFeatures(categories: ["cleaning", "moving"], cities: ["Berlin", "Hamburg"], useHoliday: true)
    let model = try DemandModel.fit(cells, features: features)
    let effect = try #require(model.coefficients["holiday"])
    #expect(effect > 0.3 && effect < 0.7)
  }
}
