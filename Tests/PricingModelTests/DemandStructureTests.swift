import Foundation
import Testing

@testable import PricingModel

/// A market of two categories in two cities with planted structure: per-category weekday profiles
/// (cleaning shut on Sundays, moving busiest on Saturdays), an event window with a lead-in, a yearly season,
/// a trend and optionally a capacity the bookings cannot exceed. Prices vary so the elasticity is identified.
struct PlantedMarket {
  var days = 800
  var start = 19_000
  var trendPerYear = 0.3
  var eventEffect = ["cleaning": 0.8, "moving": -0.5]
  var leadEffect = ["cleaning": 0.4, "moving": 0.0]
  var sundayCleaning = -2.0
  var saturdayMoving = 0.6
  var capacity = 20.0
  var capacityBound = false
  var level = ["cleaning": -0.4, "moving": -0.9]
  var seed: UInt64 = 3
  /// Days with a spike of x5 demand (a test of what backtests see).
  var spikeFrom: Int?

  /// The event: 20 days each year from day-of-year 100, with 7 lead-in days.
  func events(on date: CalendarDay) -> [String] {
    let doy = date.dayOfYear
    if doy >= 100 && doy < 120 { return ["deadline"] }
    if doy >= 93 && doy < 100 { return ["deadline:lead"] }
    return []
  }

  /// The true expected bookings of a cell (uncensored).
  func mean(category: String, city: String, date: CalendarDay, logRatio: Double) -> Double {
    let t = 2 * Double.pi * Double(date.dayOfYear - 1) / 365.25
    var eta = level[category]! + (city == "Berlin" ? 0.2 : -0.1) + 0.3 * cos(t)
      + (category == "cleaning" ? -1.5 : -0.8) * logRatio
      + trendPerYear * Double(date.daysSinceEpoch - (start + days)) / 365.25
    if category == "cleaning" && date.isoWeekday == 7 { eta += sundayCleaning }
    if category == "moving" && date.isoWeekday == 6 { eta += saturdayMoving }
    for group in events(on: date) {
      eta += group.hasSuffix(":lead") ? leadEffect[category]! : eventEffect[category]!
    }
    if let spikeFrom, date.daysSinceEpoch >= start + spikeFrom { eta += log(5) }
    return capacity * exp(eta)
  }

  func cells() -> [DemandCell] {
    // Prices and counts from separate streams: a planted spike changes counts only.
    var prices = SimulationRandom(state: seed)
    var random = SimulationRandom(state: seed &+ 1_000)
    var cells: [DemandCell] = []
    for day in 0..<days {
      let date = CalendarDay(daysSinceEpoch: start + day)
      for category in ["cleaning", "moving"] {
        for city in ["Berlin", "Hamburg"] {
          let logRatio = log(0.8 + 0.5 * prices.uniform())
          var bookings = random.poisson(mean(category: category, city: city, date: date, logRatio: logRatio))
          if capacityBound { bookings = min(bookings, capacity.rounded(.down)) }
          cells.append(
            DemandCell(
              category: category, city: city, date: date, bookings: bookings, capacity: capacity, meanExperience: 5,
              logPriceRatio: logRatio, southern: false, events: events(on: date)))
        }
      }
    }
    return cells
  }

  var asOf: CalendarDay { CalendarDay(daysSinceEpoch: start + days) }

  func features(_ structure: DemandStructure, groups: [String] = ["deadline", "deadline:lead"]) -> DemandFeatures {
    DemandFeatures(
      categories: ["cleaning", "moving"], cities: ["Berlin", "Hamburg"], useHoliday: false, structure: structure,
      eventGroups: groups, trendOrigin: asOf)
  }
}

@Suite("Demand model structure: weekday by category, events, trend, censoring, backtests (no database)")
struct DemandStructureTests {
  static let rich = DemandStructure(seasonHarmonics: 2, categoryWeekday: true, trend: true)

  @Test("each planted term is recovered: category weekday, event window and lead-in, trend")
  func plantedTerms() throws {
    let market = PlantedMarket(capacity: 60)
    let model = try DemandModel.fit(market.cells(), features: market.features(Self.rich))
    #expect(model.glm.converged)
    func effect(_ category: String, _ weekday: Int) -> Double {
      (model.coefficients["weekday[\(weekday)]"] ?? 0)
        + (model.coefficients["weekday_by_category[\(DemandFeatures.weekdayLevel(category, weekday))]"] ?? 0)
    }
    // Relative to Wednesday, in each category.
    #expect(abs((effect("cleaning", 7) - effect("cleaning", 3)) - market.sundayCleaning) < 0.25)
    #expect(abs((effect("moving", 6) - effect("moving", 3)) - market.saturdayMoving) < 0.1)
    #expect(abs((effect("moving", 7) - effect("moving", 3))) < 0.1)
    for category in ["cleaning", "moving"] {
      let window = try #require(model.coefficients["event.deadline[\(category)]"])
      let lead = try #require(model.coefficients["event.deadline:lead[\(category)]"])
      #expect(abs(window - market.eventEffect[category]!) < 0.1, "\(category) window \(window)")
      #expect(abs(lead - market.leadEffect[category]!) < 0.12, "\(category) lead-in \(lead)")
      let trend = (model.coefficients["trend"] ?? 0) + (model.coefficients["trend[\(category)]"] ?? 0)
      #expect(abs(trend - market.trendPerYear) < 0.06, "\(category) trend \(trend)")
    }
    let elasticity = try #require(model.elasticity(of: "cleaning"))
    #expect(abs(elasticity.estimate + 1.5) < 0.1)
  }

  @Test("a growing market is not under-forecast: with the trend the next 28 days are calibrated")
  func trendForecast() throws {
    let market = PlantedMarket(trendPerYear: 0.5)
    let cells = market.cells()
    let cut = CalendarDay(daysSinceEpoch: market.start + market.days - 28)
    let training = cells.filter { $0.date < cut }
    let test = cells.filter { $0.date >= cut }
    let actual = test.reduce(0) { $0 + $1.bookings }
    let withTrend = try DemandModel.fit(training, features: market.features(Self.rich))
    var flat = Self.rich
    flat.trend = false
    let withoutTrend = try DemandModel.fit(training, features: market.features(flat))
    let calibrated = test.reduce(0) { $0 + withTrend.predict($1) } / actual
    let underForecast = test.reduce(0) { $0 + withoutTrend.predict($1) } / actual
    #expect(abs(calibrated - 1) < 0.04, "with trend \(calibrated)")
    #expect(underForecast < calibrated - 0.03, "without trend \(underForecast)")
  }

  @Test("sold-out days are fitted as censored: the forecast is of demand, not of sales")
  func censoredDemand() throws {
    // Capacity 12 against a mean demand near it: many days sell out.
    let market = PlantedMarket(trendPerYear: 0, capacity: 12, capacityBound: true, level: ["cleaning": -0.2, "moving": -0.4])
    let cells = market.cells()
    #expect(DemandModel.capacityBinds(cells))
    let soldOut = cells.filter(\.soldOut).count
    #expect(soldOut > cells.count / 10)
    var censoring = DemandModelConfig()
    censoring.censorSoldOut = true
    var plain = censoring
    plain.censorSoldOut = false
    let censored = try DemandModel.fit(cells, features: market.features(Self.rich), config: censoring)
    let naive = try DemandModel.fit(cells, features: market.features(Self.rich), config: plain)
    #expect(censored.censoredCells == soldOut)
    #expect(censored.boundByCapacity)
    var truth = 0.0
    var censoredTotal = 0.0
    var naiveTotal = 0.0
    for cell in cells where cell.category == "cleaning" {
      truth += market.mean(category: cell.category, city: cell.city, date: cell.date, logRatio: cell.logPriceRatio!)
      censoredTotal += censored.predict(cell)
      naiveTotal += naive.predict(cell)
    }
    #expect(abs(censoredTotal / truth - 1) < 0.05, "censored fit: \(censoredTotal / truth) of true demand")
    #expect(naiveTotal / truth < 0.92, "a fit on sales under-forecasts demand: \(naiveTotal / truth)")
    // Observed bookings are predicted as expected sales: never above the slots.
    #expect(cells.prefix(200).allSatisfy { censored.predictObserved($0) <= $0.slots + 1e-9 })
  }

  @Test("a market whose days exceed their slots is not treated as bound by them")
  func unboundCapacity() {
    let cells = PlantedMarket(capacity: 3, level: ["cleaning": 0.5, "moving": 0.5]).cells()
    #expect(cells.contains { $0.bookings > $0.slots })
    #expect(!DemandModel.capacityBinds(cells))
  }

  @Test("a category shut on Sundays: no NaN, no huge coefficient, a bounded forecast")
  func emptyWeekday() throws {
    var market = PlantedMarket()
    market.sundayCleaning = -40  // no bookings at all on Sundays
    let cells = market.cells()
    #expect(cells.filter { $0.category == "cleaning" && $0.date.isoWeekday == 7 }.allSatisfy { $0.bookings == 0 })
    let model = try DemandModel.fit(cells, features: market.features(Self.rich))
    #expect(model.coefficients.values.allSatisfy { $0.isFinite && abs($0) < 30 })
    let sunday = cells.last { $0.category == "cleaning" && $0.date.isoWeekday == 7 }!
    let forecast = model.predict(sunday)
    #expect(forecast.isFinite && forecast >= 0 && forecast < 0.5)
  }

  @Test("backtest folds never see the future: a spike after a fold's end leaves its score unchanged")
  func foldsDoNotSeeTheFuture() throws {
    var config = DemandModelConfig()
    config.backtestFolds = 3
    config.backtestFinalists = DemandStructure.candidates.count  // every candidate on every fold
    let quiet = PlantedMarket(days: 600)
    // The spike starts at the first day of the last fold (origin_1 = end - 28).
    let spiked = PlantedMarket(days: 600, spikeFrom: 600 - 28)
    let end = quiet.asOf
    let a = try ModelSelection.choose(cells: quiet.cells(), end: end, config: config) { structure, _ in quiet.features(structure) }
    let b = try ModelSelection.choose(cells: spiked.cells(), end: end, config: config) { structure, _ in spiked.features(structure) }
    #expect(a.scores.count == b.scores.count)
    var compared = 0
    for (x, y) in zip(a.scores, b.scores) {
      // Fold 1 (origin end - 28) holds the spike out of sample: its bookings are about five times as many,
      // its prediction the same (the fit saw none of the fold's days), and it scores worse.
      #expect(y.folds[0].actual > 4 * x.folds[0].actual)
      #expect(abs(y.folds[0].predicted / x.folds[0].predicted - 1) < 1e-6)
      #expect(y.folds[0].wape > x.folds[0].wape + 0.2)
      // Folds 2 and 3 end before the spike: the same scores (to the fit's tolerance: warm starts may
      // differ), for candidates raced on them in both runs.
      guard x.finalist && y.finalist else { continue }
      #expect(x.folds.count == 3 && y.folds.count == 3)
      for fold in 1...2 {
        #expect(x.folds[fold].origin == y.folds[fold].origin)
        #expect(abs(x.folds[fold].wape - y.folds[fold].wape) < 1e-6)
        #expect(abs(x.folds[fold].deviance_explained - y.folds[fold].deviance_explained) < 1e-6)
      }
      compared += 1
    }
    #expect(compared >= 1)
    #expect(a.scores.filter(\.chosen).count == 1)
  }

  @Test("a short history drops the terms it cannot support, says why, and still fits")
  func shortHistory() throws {
    let (structure, dropped) = DemandStructure(seasonHarmonics: 6).supported(historyDays: 200)
    #expect(structure.seasonHarmonics == 2)
    #expect(!structure.trend)
    #expect(
      dropped == [
        "season harmonics 6 cut to 2: 200 days of history, 400 needed",
        "trend dropped: 200 days of history cannot tell a trend from the season, 400 needed",
      ])
    let market = PlantedMarket(days: 150)
    let outcome = try ModelSelection.choose(cells: market.cells(), end: market.asOf, config: DemandModelConfig()) { structure, _ in
      market.features(structure)
    }
    #expect(outcome.scores.isEmpty)
    #expect(outcome.notes.contains("3 of 3 backtest folds skipped: under 180 days of training before them"))
    #expect(!outcome.structure.trend && outcome.structure.seasonHarmonics == 2)
    let model = try DemandModel.fit(market.cells(), features: market.features(outcome.structure))
    #expect(model.glm.converged)
  }

  @Test("each priced cell carries 80% and 95% intervals of its demand, nested around the forecast")
  func horizonIntervals() throws {
    let market = PlantedMarket()
    var model = try DemandModel.fit(market.cells(), features: market.features(Self.rich))
    model.forecastTheta = 12
    let future = (0..<7).map {
      FutureCell(
        category: "cleaning", city: "Berlin", date: market.asOf.adding(days: $0), capacity: 20, meanExperience: 5,
        southern: false, historyBookings: 1000)
    }
    let candidates = MultiplierPolicy.candidates(model: model, cells: future, bands: bands, config: PolicyConfig())
    #expect(!candidates.isEmpty)
    for candidate in candidates {
      let f = candidate.factors
      let inner = try #require(f.demand_interval_80)
      let outer = try #require(f.demand_interval_95)
      #expect(outer[0] <= inner[0] && inner[0] <= f.predicted_bookings && f.predicted_bookings <= inner[1] + 1)
      #expect(inner[1] <= outer[1] && outer[1] > outer[0])
    }
  }
}
