import Foundation
import Postgres

/// Generates the synthetic marketplace of `MarketplaceSpec` as COPY text rows, table by table.
///
/// Pure computation: rows go to a sink (`emit(table, bytes)`), so the generator is tested without a
/// database and the seeder streams it into PostgreSQL. Deterministic: every random draw comes from
/// streams derived from `spec.seed` (providers, multipliers, bookings, anomalies) in a fixed order.
/// The demand model and its parameters are in `MarketplaceCatalog`; docs/synthetic-marketplace.md
/// describes the whole process.
public final class MarketplaceGenerator {
  /// Rows written per table, and the bookings drawn.
  public struct Summary: Sendable, Equatable {
    public var rows: [String: Int] = [:]
    public var bookings: Int { rows[SourceTable.bookings.rawValue] ?? 0 }
  }

  struct ProviderPlan {
    var providerID: Int64
    var serviceID: Int64
    var category: Int
    var city: Int
    var years: Double
    var weeklyCapacity: Int
    var status: String
    /// Day number (since 1970) from which the provider takes bookings; nil while pending.
    var onboardDay: Int?
    var listPriceCents: Int64
  }

  public let spec: MarketplaceSpec
  let categories = MarketplaceCatalog.categories
  let cities = MarketplaceCatalog.cities
  private(set) var providersByCell: [[ProviderPlan]] = []
  private(set) var customerRanges: [Range<Int64>] = []
  private var firstCustomerID: Int64 = 0
  private let firstDay: Int
  private let lastDay: Int
  /// log multiplier per cell and day (cell-major), drawn once.
  var logMultipliers: [Double] = []
  /// UTC offset in seconds per city and day (city-major).
  var utcOffsets: [Int32] = []
  private var seasonByCellHemisphere: [[Double]] = []
  /// The shape's planted event effects per country, category and day (`MarketEvents.dailyEffects`).
  private var eventEffects: [String: [[Double]]] = [:]
  /// Log weekday effect per category and ISO weekday - 1.
  private var weekdayByCategory: [[Double]] = []
  public internal(set) var summary = Summary()

  public init(spec: MarketplaceSpec) {
    self.spec = spec
    self.firstDay = spec.firstSlotDate.daysSinceEpoch
    self.lastDay = spec.lastSlotDate.daysSinceEpoch
    drawMultipliers()
    computeOffsets()
    seasonByCellHemisphere = categories.flatMap { category in
      [MarketplaceCatalog.seasonCoefficients(category, southern: false),
       MarketplaceCatalog.seasonCoefficients(category, southern: true)]
    }
    weekdayByCategory = categories.map { category in
      spec.shape.categoryWeekday
        ? MarketplaceCatalog.categoryWeekdayEffects[category.name] ?? MarketplaceCatalog.weekdayEffects
        : MarketplaceCatalog.weekdayEffects
    }
    if spec.shape.events {
      // A year past the last slot: `pricing simulate` draws demand for days after the snapshot's horizon.
      eventEffects = MarketEvents.dailyEffects(
        windows: plantedEvents, categories: categories.map(\.name), first: firstDay, last: lastDay + Self.daysPastHorizon)
    }
    calibrateProviders()
  }

  /// The event windows the market plants (none unless `shape.events`): its countries, from the year before
  /// the first slot to two years after the last (the calendar a fit needs covers the horizon and more).
  public var plantedEvents: [MarketEvents.Window] {
    guard spec.shape.events else { return [] }
    let first = spec.firstSlotDate.year - 1
    let last = spec.lastSlotDate.year + 2
    return MarketEvents.windows(countries: cities.map(\.country), years: first...last)
  }

  /// The log demand a cell owes to the shape on a day, beyond the classic terms except the weekday:
  /// the category's weekday effect, planted events in the city's country, the trend and the base shift.
  func shapeEffect(category: Int, city: Int, day: Int, isoWeekday: Int) -> Double {
    var effect = weekdayByCategory[category][isoWeekday - 1] + spec.shape.baseShift
    if spec.shape.trendPerYear != 0 {
      effect += spec.shape.trendPerYear * Double(day - spec.today.daysSinceEpoch) / 365.25
    }
    if let table = eventEffects[cities[city].country], day >= firstDay, day - firstDay < table[category].count {
      effect += table[category][day - firstDay]
    }
    return effect
  }

  /// Days after the last slot for which the true demand is defined (`trueBandCells`, `pricing simulate`).
  public static let daysPastHorizon = 400

  var dayCount: Int { lastDay - firstDay + 1 }
  var cellCount: Int { categories.count * cities.count }
  func cellIndex(category: Int, city: Int) -> Int { category * cities.count + city }

  // MARK: - Truth

  /// The true parameters, with the number of bookings actually generated (after `generateFacts`).
  public func truth() -> MarketplaceTruth {
    MarketplaceTruth(
      seed: spec.seed,
      shape: .init(
        preset: spec.shape.name, category_weekday: spec.shape.categoryWeekday, events: spec.shape.events,
        trend_per_year: spec.shape.trendPerYear, capacity_bound: spec.shape.capacityBound,
        base_shift: spec.shape.baseShift, southern_weight: spec.shape.southernWeight,
        daily_noise: spec.shape.dailyNoise, list_price_history: spec.shape.listPriceHistory,
        category_weekday_effects: spec.shape.categoryWeekday
          ? Dictionary(uniqueKeysWithValues: zip(categories.map(\.name), weekdayByCategory)) : nil,
        event_effects: spec.shape.events
          ? MarketEvents.names.flatMap { event in
            categories.map { category in
              MarketplaceTruth.EventEffect(
                event: event, category: category.name,
                window: MarketEvents.effect(of: event, category: category.name, lead: false),
                lead_in: MarketEvents.effect(of: event, category: category.name, lead: true))
            }
          } : nil),
      bookings_requested: spec.bookings, bookings_generated: summary.bookings,
      first_slot_date: spec.firstSlotDate, today: spec.today, last_slot_date: spec.lastSlotDate,
      elasticities: categories.map { .init(category: $0.name, estimate: $0.elasticity, std_error: 0) },
      categories: categories.map { category in
        let north = MarketplaceCatalog.seasonCoefficients(category, southern: false)
        let south = MarketplaceCatalog.seasonCoefficients(category, southern: true)
        return .init(
          category: category.name, base: category.base, elasticity: category.elasticity,
          base_price: category.basePrice, weather_driven: category.weatherDriven, season_north: north,
          season_south: south, peak_month_north: MarketplaceCatalog.peakMonth(north),
          peak_month_south: MarketplaceCatalog.peakMonth(south))
      },
      cities: cities.map {
        .init(
          city: $0.name, effect: $0.effect, size: $0.size, time_zone: $0.timeZone, country: $0.country,
          currency: $0.currency, southern: $0.southern)
      },
      weekday_effects: MarketplaceCatalog.weekdayEffects.enumerated().map { .init(weekday: $0.offset + 1, effect: $0.element) },
      experience_effect_per_year: MarketplaceCatalog.experienceEffectPerYear,
      experience_centre: MarketplaceCatalog.experienceCentre,
      multiplier_range: [MarketplaceCatalog.multiplierRange.lowerBound, MarketplaceCatalog.multiplierRange.upperBound])
  }

  // MARK: - Set-up

  private func drawMultipliers() {
    guard !spec.shape.listPriceHistory else {
      logMultipliers = [Double](repeating: 0, count: cellCount * dayCount)
      return
    }
    var random = RandomSource.derived(seed: spec.seed, 2)
    let low = Foundation.log(MarketplaceCatalog.multiplierRange.lowerBound)
    let high = Foundation.log(MarketplaceCatalog.multiplierRange.upperBound)
    logMultipliers = (0..<(cellCount * dayCount)).map { _ in
      let multiplier = (Foundation.exp(random.uniform(low, high)) * 100).rounded() / 100
      return Foundation.log(multiplier)
    }
  }

  private func computeOffsets() {
    utcOffsets.reserveCapacity(cities.count * dayCount)
    for city in cities {
      let zone = TimeZone(identifier: city.timeZone) ?? TimeZone(secondsFromGMT: 0)!
      for day in firstDay...lastDay {
        // Slots run 08:00-19:30 local: the offset at local noon holds for all of them (DST moves at night).
        let noon = Date(timeIntervalSince1970: Double(day) * 86_400 + 12 * 3600)
        utcOffsets.append(Int32(zone.secondsFromGMT(for: noon)))
      }
    }
  }

  /// Sizes capacity so that expected bookings match `spec.bookings`: plan, compute the expectation,
  /// rescale, twice (rounding of slots makes one pass inexact for small marketplaces).
  private func calibrateProviders() {
    var scale = Double(spec.bookings) / Double(max(1, dayCount)) / 40
    for _ in 0..<3 {
      planProviders(scale: scale)
      let expected = expectedBookings()
      guard expected > 0 else { break }
      scale *= Double(spec.bookings) / expected
    }
    planProviders(scale: scale)
  }

  private func planProviders(scale: Double) {
    var random = RandomSource.derived(seed: spec.seed, 1)
    var nextProvider: Int64 = 1
    var nextService: Int64 = 1
    providersByCell = []
    for (categoryIndex, category) in categories.enumerated() {
      for (cityIndex, city) in cities.enumerated() {
        let weight = city.southern ? spec.shape.southernWeight : 1
        let dailyCapacity = scale * city.size * weight * MarketplaceCatalog.capacityShares[categoryIndex]
        let weekly = dailyCapacity * 7
        let activeCount = max(1, Int((weekly / 20).rounded()))
        var plans: [ProviderPlan] = []
        let extras = (random.chance(0.5) ? 1 : 0) + (activeCount > 10 ? activeCount / 20 : 0)
        for index in 0..<(activeCount + extras) {
          let years = (min(35, random.exponential(mean: 6) + 0.2) * 10).rounded() / 10
          let capacity = max(1, Int((weekly / Double(activeCount) * random.uniform(0.6, 1.4)).rounded()))
          var status = "active"
          var onboard: Int? = index == 0 || random.chance(0.7)
            ? firstDay - 1 - random.index(1500) : firstDay + random.index(max(1, spec.historyDays))
          if index >= activeCount {
            status = random.chance(0.6) ? "pending" : "suspended"
            if status == "pending" { onboard = nil }
          }
          let premium = 1 + MarketplaceCatalog.experiencePricePremiumPerYear * years
          let price = category.basePrice * city.priceLevel * premium
          plans.append(
            ProviderPlan(
              providerID: nextProvider, serviceID: nextService, category: categoryIndex, city: cityIndex,
              years: years, weeklyCapacity: capacity, status: status, onboardDay: onboard,
              listPriceCents: Int64((price * 100).rounded())))
          nextProvider += 1
          nextService += 1
        }
        providersByCell.append(plans)
      }
    }
    // Customers follow the providers in the id space, partitioned by city in proportion to size.
    firstCustomerID = nextProvider
    let totalCustomers = max(200, spec.bookings / 4)
    let totalSize = cities.reduce(0) { $0 + $1.size }
    var start = firstCustomerID
    customerRanges = cities.map { city in
      let count = max(5, Int(Double(totalCustomers) * city.size / totalSize))
      defer { start += Int64(count) }
      return start..<(start + Int64(count))
    }
  }

  /// Sum over cells and days of capacity x exp(eta): the expected number of bookings (ignoring that
  /// future slots are only partly booked yet).
  private func expectedBookings() -> Double {
    var total = 0.0
    forEachCellDay { _, _, _, _, mean, _ in total += mean }
    return total
  }

  /// Walks every cell and day in order, with the rate the day's bookings are drawn from (the mean times
  /// the shape's daily noise), the mean itself, and the providers active then.
  func forEachCellDay(_ body: (Int, Int, Int, Double, Double, CellState) -> Void) {
    var states = providersByCell.map { CellState(providers: $0) }
    let gamma = MarketplaceCatalog.experienceEffectPerYear
    var noise = RandomSource.derived(seed: spec.seed, 6)
    let sigma = spec.shape.dailyNoise
    for dayOffset in 0..<dayCount {
      let day = firstDay + dayOffset
      let date = LocalDate(daysSinceEpoch: day)
      let dayOfYear = date.dayOfYear
      let isoWeekday = date.isoWeekday
      for categoryIndex in categories.indices {
        let category = categories[categoryIndex]
        let north = seasonByCellHemisphere[categoryIndex * 2]
        let south = seasonByCellHemisphere[categoryIndex * 2 + 1]
        let seasonNorth = MarketplaceCatalog.season(north, dayOfYear: dayOfYear)
        let seasonSouth = MarketplaceCatalog.season(south, dayOfYear: dayOfYear)
        for cityIndex in cities.indices {
          let cell = cellIndex(category: categoryIndex, city: cityIndex)
          states[cell].activate(through: day)
          let state = states[cell]
          guard state.weeklyCapacity > 0 else {
            body(cell, dayOffset, day, 0, 0, state)
            continue
          }
          let city = cities[cityIndex]
          let eta = category.base + city.effect + (city.southern ? seasonSouth : seasonNorth)
            + shapeEffect(category: categoryIndex, city: cityIndex, day: day, isoWeekday: isoWeekday)
            + category.elasticity * logMultipliers[cell * dayCount + dayOffset]
            + gamma * (state.meanYears - MarketplaceCatalog.experienceCentre)
          let mean = Double(state.weeklyCapacity) / 7 * Foundation.exp(eta)
          let lambda = sigma > 0 ? mean * Foundation.exp(sigma * noise.normal() - sigma * sigma / 2) : mean
          body(cell, dayOffset, day, lambda, mean, state)
        }
      }
    }
  }

  /// The providers of one cell as days pass: who is active, capacity, mean experience, choice weights.
  struct CellState {
    let providers: [ProviderPlan]
    private var order: [Int]
    private var nextInOrder = 0
    private(set) var weeklyCapacity = 0
    private var yearsWeighted = 0.0
    private(set) var active: [Int] = []
    private(set) var cumulativeWeights: [Double] = []

    init(providers: [ProviderPlan]) {
      self.providers = providers
      self.order = providers.indices.filter { providers[$0].status == "active" }
        .sorted { providers[$0].onboardDay! < providers[$1].onboardDay! }
    }

    var meanYears: Double { weeklyCapacity > 0 ? yearsWeighted / Double(weeklyCapacity) : 0 }

    mutating func activate(through day: Int) {
      var changed = false
      while nextInOrder < order.count, providers[order[nextInOrder]].onboardDay! <= day {
        let provider = providers[order[nextInOrder]]
        weeklyCapacity += provider.weeklyCapacity
        yearsWeighted += Double(provider.weeklyCapacity) * provider.years
        active.append(order[nextInOrder])
        nextInOrder += 1
        changed = true
      }
      if changed {
        var sum = 0.0
        cumulativeWeights = active.map { index in
          let provider = providers[index]
          sum += Double(provider.weeklyCapacity)
            * Foundation.exp(MarketplaceCatalog.experienceEffectPerYear * provider.years)
          return sum
        }
      }
    }

    /// A provider drawn with probability proportional to capacity x exp(gamma x years).
    func choose(_ random: inout RandomSource) -> ProviderPlan {
      let target = random.uniform() * cumulativeWeights[cumulativeWeights.count - 1]
      var low = 0
      var high = cumulativeWeights.count - 1
      while low < high {
        let middle = (low + high) / 2
        if cumulativeWeights[middle] > target { high = middle } else { low = middle + 1 }
      }
      return providers[active[low]]
    }
  }

  // MARK: - Reference tables

  /// Writes cities, users, providers and services.
  public func generateReference(_ emit: (SourceTable, [UInt8]) throws -> Void) throws {
    let snapshot = spec.snapshotEpochSeconds
    var encoder = CopyTextEncoder()
    var random = RandomSource.derived(seed: spec.seed, 3)

    for city in cities {
      encoder.field(city.name)
      encoder.field(city.timeZone)
      encoder.field(city.country)
      encoder.endRow()
    }
    var cityRows = cities.count
    if spec.plantAnomalies {
      // A city with an invalid time zone and no services: caught by ingest validation.
      encoder.field("Atlantis")
      encoder.field("Mars/Olympus_Mons")
      encoder.field("XX")
      encoder.endRow()
      cityRows += 1
    }
    try flush(&encoder, .cities, rows: cityRows, emit)

    var userRows = 0
    for plans in providersByCell {
      for plan in plans {
        encoder.integer(plan.providerID)
        encoder.field("Provider \(plan.providerID)")
        encoder.raw("provider")
        encoder.field("provider\(plan.providerID)@example.test")
        encoder.field(cities[plan.city].name)
        encoder.timestamp(epochSeconds: Int64(plan.onboardDay ?? (firstDay + spec.historyDays)) * 86_400 - 86_400 * 30)
        encoder.endRow()
        userRows += 1
        if encoder.bytes.count > 1 << 19 { try emit(.users, encoder.bytes); encoder.reset() }
      }
    }
    for (cityIndex, range) in customerRanges.enumerated() {
      for id in range {
        encoder.integer(id)
        encoder.field("Customer \(id)")
        encoder.raw("customer")
        encoder.field("customer\(id)@example.test")
        encoder.field(cities[cityIndex].name)
        encoder.timestamp(epochSeconds: Int64(firstDay - random.index(400) - 1) * 86_400 + Int64(random.index(86_400)))
        encoder.endRow()
        userRows += 1
        if encoder.bytes.count > 1 << 19 { try emit(.users, encoder.bytes); encoder.reset() }
      }
    }
    try flush(&encoder, .users, rows: userRows, emit)

    var providerRows = 0
    for plans in providersByCell {
      for plan in plans {
        let onboarded = plan.onboardDay.map { Int64($0) * 86_400 + 9 * 3600 }
        encoder.integer(plan.providerID)
        encoder.raw(String(format: "%.1f", plan.years))
        encoder.integer(Int64(plan.weeklyCapacity))
        encoder.raw(plan.status)
        if let onboarded { encoder.timestamp(epochSeconds: onboarded) } else { encoder.raw(nil) }
        encoder.timestamp(epochSeconds: min(snapshot, onboarded ?? snapshot - 86_400))
        encoder.endRow()
        providerRows += 1
      }
    }
    try flush(&encoder, .providers, rows: providerRows, emit)

    var serviceRows = 0
    for plans in providersByCell {
      for plan in plans {
        let category = categories[plan.category]
        let city = cities[plan.city]
        let created = Int64(plan.onboardDay ?? (firstDay + spec.historyDays - 10)) * 86_400 + 10 * 3600
        encoder.integer(plan.serviceID)
        encoder.field(serviceTitle(category: category.name, providerID: plan.providerID))
        encoder.field(category.name)
        encoder.field(city.name)
        encoder.cents(plan.listPriceCents)
        encoder.raw(city.currency)
        encoder.integer(plan.providerID)
        encoder.raw(plan.status == "active" ? "t" : "f")
        encoder.timestamp(epochSeconds: created)
        encoder.timestamp(epochSeconds: min(snapshot, created))
        encoder.endRow()
        serviceRows += 1
      }
    }
    try flush(&encoder, .services, rows: serviceRows, emit)
  }

  /// Titles are untrusted text: a few carry markup, quotes and commas, as real ones do.
  private func serviceTitle(category: String, providerID: Int64) -> String {
    let readable = category.replacingOccurrences(of: "_", with: " ").capitalized
    switch providerID % 97 {
    case 13: return "\(readable) <Pro> & \"Sons\", Ltd."
    case 41: return "\(readable) – schnell & zuverlässig"
    default: return "\(readable) by Provider \(providerID)"
    }
  }

  private func flush(
    _ encoder: inout CopyTextEncoder, _ table: SourceTable, rows: Int, _ emit: (SourceTable, [UInt8]) throws -> Void
  ) throws {
    if !encoder.bytes.isEmpty { try emit(table, encoder.bytes) }
    encoder.reset()
    summary.rows[table.rawValue, default: 0] += rows
  }
}
