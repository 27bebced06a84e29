import Foundation

/// A future cell to price: a category x city x local date with its capacity and provider mix.
public struct FutureCell: Sendable, Equatable {
  public var category: String
  public var city: String
  public var date: CalendarDay
  public var capacity: Double
  public var meanExperience: Double
  public var southern: Bool
  public var holiday: Bool
  /// The event-calendar groups in force (`EventCalendar.groups`).
  public var events: [String] = []
  /// Bookings of this category x city in the model's history.
  public var historyBookings: Double
  /// The providers of each experience band (empty: unknown, the capacity is split evenly between the
  /// bands at their representative experience).
  public var supply: [BandSupply]

  public init(
    category: String, city: String, date: CalendarDay, capacity: Double, meanExperience: Double, southern: Bool,
    holiday: Bool = false, historyBookings: Double, supply: [BandSupply] = []
  ) {
    self.supply = supply
    self.category = category
    self.city = city
    self.date = date
    self.capacity = capacity
    self.meanExperience = meanExperience
    self.southern = southern
    self.holiday = holiday
    self.historyBookings = historyBookings
  }
}

/// An experience band (docs/contracts.md section 2) and the years that represent it.
public struct ExperienceBand: Sendable, Equatable {
  public var name: String
  public var minYears: Double
  public var maxYears: Double?

  public init(name: String, minYears: Double, maxYears: Double?) {
    self.name = name
    self.minYears = minYears
    self.maxYears = maxYears
  }

  /// The band's midpoint; an open band is represented by its lower bound plus 5 years.
  public var representativeYears: Double { maxYears.map { (minYears + $0) / 2 } ?? minYears + 5 }
}

/// A candidate multiplier for one (category, city, band, date).
public struct CandidateMultiplier: Sendable, Equatable {
  public var category: String
  public var city: String
  public var band: String
  public var date: CalendarDay
  /// Rounded to 4 decimals (numeric(6,4)), within the bounds.
  public var multiplier: Double
  public var factors: MultiplierFactors

  public var key: String { "\(category)|\(city)|\(band)|\(date)" }

  public init(
    category: String, city: String, band: String, date: CalendarDay, multiplier: Double, factors: MultiplierFactors
  ) {
    self.category = category
    self.city = city
    self.band = band
    self.date = date
    self.multiplier = multiplier
    self.factors = factors
  }
}

/// From predicted demand to price multipliers (DESIGN.md "From demand to multipliers").
///
/// With pressure p = predicted bookings at list price / capacity and elasticity e < 0, the multiplier
/// that brings expected bookings to the target utilisation u is m = (u / p)^(1/e), because demand scales
/// as m^e. Writing log p as the sum of the model's effects splits log m into factors (base, city, season,
/// weekday, experience mix), each (effect) / (-e). The demand signal is then weighted by the confidence w
/// of the elasticity (log m -> w log m), an experience band gets exp(-w gamma (years_band - years_cell) / e),
/// the logs are smoothed by a centred moving average over adjacent days, and the result is clamped to the
/// bounds and to the daily-change limit against the currently published multiplier.
public enum MultiplierPolicy {
  public static func candidates(
    model: FittedDemandModel, cells: [FutureCell], bands: [ExperienceBand], config: PolicyConfig,
    current: [String: Double] = [:], overrides: [PriceOverride] = []
  ) -> [CandidateMultiplier] {
    plan(model: model, cells: cells, bands: bands, config: config, current: current, overrides: overrides).candidates
  }

  /// The candidates, and what the exploration of `config.explore` did to them (`PriceExploration`): it
  /// moves the smoothed, clamped multipliers of the cells it draws, before their expectations are computed.
  ///
  /// The daily-change limit holds the policy's own multiplier against the served one without its
  /// exploration (`current` / `currentExploration`, the served table's factors), and the explored multiplier
  /// against the served one: a cell and day drawn the same in both tables keep their price.
  public static func plan(
    model: FittedDemandModel, cells: [FutureCell], bands: [ExperienceBand], config: PolicyConfig,
    current: [String: Double] = [:], currentExploration: [String: Double] = [:], overrides: [PriceOverride] = []
  ) -> (candidates: [CandidateMultiplier], exploration: PriceExploration.Summary) {
    var raw: [CandidateMultiplier] = []
    let bounds = allowedRange(previous: nil, config: config)
    for cell in cells {
      let elasticity = model.elasticity(of: cell.category)
      let e = elasticity?.estimate ?? -1
      let confidence = confidenceWeight(elasticity, config: config)
      var parts = model.components(
        category: cell.category, city: cell.city, date: cell.date, southern: cell.southern,
        meanExperience: cell.meanExperience, holiday: cell.holiday, events: cell.events)
      var fallback: String?
      if !model.features.cities.contains(cell.city) {
        parts.city = 0
        parts.pair = 0
        fallback = "new city without history: priced from its category"
      } else if !model.features.categories.contains(cell.category) {
        parts.category = 0
        parts.pair = 0
        fallback = "new category without history: priced from its city"
      } else if cell.historyBookings < config.min_history_bookings {
        parts.pair = 0
        fallback = "category and city effects only: \(Int(cell.historyBookings)) bookings of history"
      }
      let pressure = exp(parts.total)
      let forecast = PredictiveDistribution(mu: pressure * cell.capacity, theta: model.forecastTheta)
      let interval80 = cell.capacity > 0 ? [forecast.quantile(0.1), forecast.quantile(0.9)] : nil
      let interval95 = cell.capacity > 0 ? [forecast.quantile(0.025), forecast.quantile(0.975)] : nil
      let split = bandSplit(cell, bands: bands, experienceEffect: model.experienceEffect)
      for (band, share) in zip(bands, split) {
        var factors = MultiplierFactors()
        factors.capacity = cell.capacity
        factors.pressure = pressure
        factors.target = config.target_utilisation
        factors.predicted_bookings = pressure * cell.capacity
        factors.demand_interval_80 = interval80
        factors.demand_interval_95 = interval95
        factors.elasticity = e
        factors.elasticity_se = elasticity?.stdError
        factors.confidence = confidence
        factors.fallback = fallback
        factors.objective = config.objective.rawValue
        factors.band_capacity = share.capacity
        factors.band_demand = cell.capacity > 0 ? pressure * share.pressureRatio * share.capacity : 0
        factors.list_price = share.listPrice
        factors.currency = share.currency
        guard cell.capacity > 0 else {
          factors.fallback = "no capacity: multiplier 1"
          factors.pressure = 0
          factors.binding = Binding.noCapacity.rawValue
          raw.append(.init(category: cell.category, city: cell.city, band: band.name, date: cell.date, multiplier: 1, factors: factors))
          continue
        }
        if share.capacity <= 0 && factors.fallback == nil {
          factors.fallback = "no providers in this band: priced at the demand per slot its experience would meet"
        }
        let multiplier: Double
        switch config.objective {
        case .utilisation:
          let scale = confidence / e  // log factor = -effect * scale ... with the sign of 1/e
          factors.base = exp((log(config.target_utilisation) - parts.intercept - parts.category) * scale)
          factors.city = exp(-(parts.city + parts.pair) * scale)
          factors.season = exp(-parts.season * scale)
          factors.weekday = exp(-parts.weekday * scale)
          factors.experience = exp(-(parts.experience + parts.holiday) * scale)
          factors.band = exp(-model.experienceEffect * (band.representativeYears - cell.meanExperience) * scale)
          multiplier =
            factors.base * factors.city * factors.season * factors.weekday * factors.experience * factors.band
          factors.binding = Binding.target.rawValue
        case .gmv:
          let bandPressure = pressure * share.pressureRatio
          let optimum = robustGMVOptimum(
            pressure: bandPressure, elasticity: e, stdError: elasticity?.stdError ?? .infinity,
            margin: config.elasticity_margin, elasticityRange: model.elasticityRange, bounds: bounds,
            maxUtilisation: config.max_utilisation, minVolumeRatio: config.min_volume_ratio)
          factors.optimum = optimum.atEstimate
          factors.binding = optimum.binding.rawValue
          if confidence == 0 && elasticity?.source != .prior {
            // Demand has not been seen to answer price (the elasticity's 95% interval reaches 0): no move.
            multiplier = 1
            factors.binding = Binding.uncertainty.rawValue
          } else {
            multiplier = optimum.multiplier
          }
          factors.shrink = multiplier / optimum.atEstimate
        }
        raw.append(.init(category: cell.category, city: cell.city, band: band.name, date: cell.date, multiplier: multiplier, factors: factors))
      }
    }
    let policyCurrent = Dictionary(uniqueKeysWithValues: current.map { ($0.key, $0.value / (currentExploration[$0.key] ?? 1)) })
    let clamped = smoothAndClamp(raw, config: config, current: policyCurrent, overrides: overrides)
    let explored = PriceExploration.apply(
      clamped, config: config.explore, bounds: allowedRange(previous: nil, config: config), served: Set(current.keys),
      servedFactors: currentExploration
    ) { allowedRange(previous: current[$0.key], config: config) }
    return (explored.candidates.map { withExpectations($0, config: config, current: current) }, explored.summary)
  }

  /// The cell-level multiplier (no band, no smoothing, bounds only) of a historical cell: what the
  /// policy would have suggested, for booking regret and the quote metrics.
  public static func cellMultiplier(model: FittedDemandModel, cell: DemandCell, config: PolicyConfig) -> Double {
    guard cell.capacity > 0 else { return 1 }
    let elasticity = model.elasticity(of: cell.category)
    let e = elasticity?.estimate ?? -1
    let confidence = confidenceWeight(elasticity, config: config)
    let parts = model.components(
      category: cell.category, city: cell.city, date: cell.date, southern: cell.southern,
      meanExperience: cell.meanExperience, holiday: cell.holiday, events: cell.events)
    let multiplier = exp(confidence * (log(config.target_utilisation) - parts.total) / e)
    return min(max(multiplier, config.min_multiplier), config.max_multiplier)
  }

  /// 1 / (1 + (se/|e|)^2); 0 when the 95% interval of the elasticity reaches 0 or above; the prior
  /// confidence for the prior.
  static func confidenceWeight(_ elasticity: Elasticity?, config: PolicyConfig) -> Double {
    guard let elasticity else { return 0 }
    switch elasticity.source {
    case .prior: return config.prior_confidence
    case .fitted, .clamped:
      let raw = elasticity.raw ?? elasticity.estimate
      guard elasticity.stdError.isFinite, raw + 1.959964 * elasticity.stdError < 0 else { return 0 }
      let relative = elasticity.stdError / abs(elasticity.estimate)
      return 1 / (1 + relative * relative)
    }
  }

  static func smoothAndClamp(
    _ raw: [CandidateMultiplier], config: PolicyConfig, current: [String: Double], overrides: [PriceOverride] = []
  ) -> [CandidateMultiplier] {
    let overridesByCategory = Dictionary(grouping: overrides, by: \.category)
    let bounds = allowedRange(previous: nil, config: config)
    // Group by (category, city, band), ordered by date.
    var groups: [String: [Int]] = [:]
    for (index, candidate) in raw.enumerated() {
      groups["\(candidate.category)|\(candidate.city)|\(candidate.band)", default: []].append(index)
    }
    var result = raw
    let half = config.smoothing_days / 2
    for (_, indices) in groups {
      let ordered = indices.sorted { raw[$0].date < raw[$1].date }
      let logs = ordered.map { log(raw[$0].multiplier) }
      for (position, index) in ordered.enumerated() {
        let low = max(0, position - half)
        let high = min(ordered.count - 1, position + half)
        let window = logs[low...high]
        let smoothed = exp(window.reduce(0, +) / Double(window.count))
        var candidate = result[index]
        candidate.factors.smoothing = smoothed / candidate.multiplier
        let range = allowedRange(previous: current[candidate.key], config: config)
        let rounded = min(max((smoothed * 10_000).rounded() / 10_000, range.lowerBound), range.upperBound)
        candidate.factors.clamp = rounded / smoothed
        candidate.multiplier = rounded
        if let scoped = overridesByCategory[candidate.category] {
          candidate = applyOverrides(
            candidate, unlimited: min(max(smoothed, bounds.lowerBound), bounds.upperBound),
            overrides: scoped, bounds: bounds)
        }
        result[index] = candidate
      }
    }
    return result
  }

  /// The candidate with the overrides that apply to its cell (`PriceOverride.resolve`), starting from its
  /// dynamic multiplier within the bounds but not the daily-change limit (which never holds an override back);
  /// unchanged when none applies. Records that dynamic multiplier (the policy's price for the cell, the one
  /// it returns toward when the override ends), the override's factor and the overrides.
  public static func applyOverrides(
    _ candidate: CandidateMultiplier, unlimited: Double, overrides: [PriceOverride], bounds: ClosedRange<Double>
  ) -> CandidateMultiplier {
    let applicable = overrides.filter {
      $0.applies(category: candidate.category, city: candidate.city, band: candidate.band, date: candidate.date)
    }
    guard let resolution = PriceOverride.resolve(dynamic: unlimited, overrides: applicable, bounds: bounds) else {
      return candidate
    }
    var result = candidate
    let dynamic = (unlimited * 10_000).rounded() / 10_000
    result.factors.dynamic = dynamic
    result.factors.override = resolution.multiplier / dynamic
    result.factors.overrides = resolution.applied.map(MultiplierFactors.OverrideNote.init)
    result.factors.override_fixed = resolution.fixed
    result.factors.binding = Binding.override.rawValue
    result.multiplier = resolution.multiplier
    return result
  }

  /// Where a multiplier may land: the bounds, and within them the daily-change limit around the
  /// currently published multiplier, both on the 4-decimal grid of `numeric(6,4)`. The bounds win: when the
  /// published multiplier lies so far outside them (the bounds were tightened) that the limit's range misses
  /// them, the range is the bound nearest to it, so a policy change takes effect at the next run.
  public static func allowedRange(previous: Double?, config: PolicyConfig) -> ClosedRange<Double> {
    // Up or down to the grid, a value within 1e-7 of a grid point being that point (1.15 x 10^4 is
    // 11499.999999999998 in binary).
    func up(_ value: Double) -> Double { (value * 10_000 - 1e-7).rounded(.up) / 10_000 }
    func down(_ value: Double) -> Double { (value * 10_000 + 1e-7).rounded(.down) / 10_000 }
    let low = up(config.min_multiplier)
    let high = max(low, down(config.max_multiplier))
    guard let previous, previous.isFinite, previous > 0 else { return low...high }
    let dailyLow = up(previous * (1 - config.max_daily_change))
    let dailyHigh = down(previous * (1 + config.max_daily_change))
    let lower = max(low, dailyLow)
    let upper = min(high, dailyHigh)
    if lower <= upper { return lower...upper }
    return previous > high ? high...high : low...low
  }

  /// The factors of one multiplier in words.
  public static func explain(_ candidate: CandidateMultiplier) -> String {
    let f = candidate.factors
    func n(_ value: Double) -> String { String(format: "%.4f", value) }
    func two(_ value: Double) -> String { String(format: "%.2f", value) }
    var lines = ["\(candidate.category) in \(candidate.city) on \(candidate.date), band \(candidate.band): multiplier \(n(candidate.multiplier))"]
    if let notes = f.overrides, let dynamic = f.dynamic {
      lines.append("  = the policy's multiplier \(n(dynamic)) x override \(n(f.override ?? 1)), by")
      for note in notes {
        let value = note.value.map { " \(n($0))" } ?? ""
        lines.append("    override \(note.id) (\(note.kind)\(value)) by \(note.created_by): \(note.reason)")
      }
      if let optimum = f.optimum {
        lines.append(
          "  the policy's: GMV optimum at the elasticity's estimate \(n(optimum)) x uncertainty pull \(n(f.shrink ?? 1)) x smoothing \(n(f.smoothing)), within the bounds")
      }
    } else if f.objective == PricingObjective.gmv.rawValue, let optimum = f.optimum {
      lines.append(
        "  = GMV optimum at the elasticity's estimate \(n(optimum)) x uncertainty pull \(n(f.shrink ?? 1)) x smoothing \(n(f.smoothing)) x clamp \(n(f.clamp))"
          + (f.exploration.map { " x exploration \(n($0))" } ?? ""))
    } else {
      lines.append(
        "  = base \(n(f.base)) x city \(n(f.city)) x season \(n(f.season)) x weekday \(n(f.weekday))"
          + " x experience mix \(n(f.experience)) x band \(n(f.band)) x smoothing \(n(f.smoothing)) x clamp \(n(f.clamp))"
          + (f.exploration.map { " x exploration \(n($0))" } ?? ""))
    }
    if let exploration = f.exploration {
      lines.append(
        "  exploration \(n(exploration)): a randomised move of this cell and day (the same for every band and customer), so that the model can measure how demand answers price")
    }
    lines.append(
      "  demand at list price: \(two(f.predicted_bookings)) bookings for \(two(f.capacity)) slots"
        + (f.demand_interval_80.map { " (80% interval \(Int($0[0]))-\(Int($0[1])))" } ?? "")
        + " (pressure \(String(format: "%.3f", f.pressure))"
        + (f.objective == PricingObjective.gmv.rawValue ? ")" : " against a target of \(two(f.target)))"))
    if f.objective == PricingObjective.gmv.rawValue {
      let error = f.elasticity_se.map { $0.isFinite ? String(format: "standard error %.3f", $0) : "the prior" } ?? "standard error unknown"
      lines.append("  elasticity \(String(format: "%.3f", f.elasticity)) (\(error))")
    } else {
      lines.append(
        "  elasticity \(String(format: "%.3f", f.elasticity)), weighted by confidence \(String(format: "%.3f", f.confidence))")
    }
    if let demand = f.band_demand, let capacity = f.band_capacity {
      lines.append("  this band: \(two(demand)) bookings at list price for \(two(capacity)) slots")
    }
    if let bookings = f.expected_bookings, let atList = f.bookings_at_list {
      var line = "  expected: \(two(bookings)) bookings at \(n(candidate.multiplier)), \(two(atList)) at 1"
      if let gmv = f.expected_gmv, let gmvAtList = f.gmv_at_list {
        let currency = f.currency.map { " \($0)" } ?? ""
        line += "; GMV \(two(gmv))\(currency) against \(two(gmvAtList))\(currency) at 1"
      }
      lines.append(line)
    }
    if let binding = f.binding.flatMap(Binding.init(rawValue:)) { lines.append("  binding: \(describe(binding))") }
    if f.clamp < 0.9999 { lines.append("  capped: the bound or the daily-change limit lowered it") }
    if f.clamp > 1.0001 { lines.append("  raised by the bound or the daily-change limit") }
    if let fallback = f.fallback { lines.append("  fallback: \(fallback)") }
    return lines.joined(separator: "\n")
  }

  /// What a binding means, in words.
  static func describe(_ binding: Binding) -> String {
    switch binding {
    case .capacity: return "capacity (the price at which expected demand fills the band's slots)"
    case .floor: return "floor (the lowest multiplier allowed)"
    case .ceiling: return "ceiling (the highest multiplier allowed)"
    case .indifferent: return "none (elasticity -1: higher prices earn the same; the one nearest list price)"
    case .maxUtilisation: return "max_utilisation (the price rises until expected utilisation is at most the setting)"
    case .minVolume: return "min_volume_ratio (the price falls until expected bookings reach the setting's share)"
    case .dailyLimit: return "daily-change limit (against the published multiplier)"
    case .override: return "a manual override"
    case .uncertainty:
      return "the elasticity's interval (the price that earns most in the worst case within elasticity_margin standard errors)"
    case .target: return "target utilisation"
    case .noDemand: return "no demand expected: multiplier 1"
    case .noCapacity: return "no capacity: multiplier 1"
    }
  }
}
