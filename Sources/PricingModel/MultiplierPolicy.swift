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
  /// Bookings of this category x city in the model's history.
  public var historyBookings: Double

  public init(
    category: String, city: String, date: CalendarDay, capacity: Double, meanExperience: Double, southern: Bool,
    holiday: Bool = false, historyBookings: Double
  ) {
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

/// Why a multiplier is what it is: the factors whose product it is.
public struct MultiplierFactors: Sendable, Equatable, Codable {
  public var base = 1.0
  public var city = 1.0
  public var season = 1.0
  public var weekday = 1.0
  /// The cell's provider experience mix (and a holiday, when the calendar has one).
  public var experience = 1.0
  /// The experience band against the cell's mix.
  public var band = 1.0
  /// After smoothing over adjacent days, against before.
  public var smoothing = 1.0
  /// After the bounds and the daily-change limit, against before.
  public var clamp = 1.0
  /// Expected bookings per slot at list price, and the target.
  public var pressure = 0.0
  public var target = 0.0
  public var predicted_bookings = 0.0
  public var capacity = 0.0
  public var elasticity = 0.0
  /// Weight of the demand signal: 1 / (1 + (se / |e|)^2), 0 when the elasticity is not significantly
  /// negative, the configured prior confidence when it is the prior.
  public var confidence = 0.0
  /// Set when the cell is priced by a fallback (no capacity, a pair with too little history).
  public var fallback: String?
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
    current: [String: Double] = [:]
  ) -> [CandidateMultiplier] {
    var raw: [CandidateMultiplier] = []
    for cell in cells {
      let elasticity = model.elasticity(of: cell.category)
      let e = elasticity?.estimate ?? -1
      let confidence = confidenceWeight(elasticity, config: config)
      var parts = model.components(
        category: cell.category, city: cell.city, date: cell.date, southern: cell.southern,
        meanExperience: cell.meanExperience, holiday: cell.holiday)
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
      for band in bands {
        var factors = MultiplierFactors()
        factors.capacity = cell.capacity
        factors.pressure = pressure
        factors.target = config.target_utilisation
        factors.predicted_bookings = pressure * cell.capacity
        factors.elasticity = e
        factors.confidence = confidence
        factors.fallback = fallback
        guard cell.capacity > 0 else {
          factors.fallback = "no capacity: multiplier 1"
          factors.pressure = 0
          raw.append(.init(category: cell.category, city: cell.city, band: band.name, date: cell.date, multiplier: 1, factors: factors))
          continue
        }
        let scale = confidence / e  // log factor = -effect * scale ... with the sign of 1/e
        factors.base = exp((log(config.target_utilisation) - parts.intercept - parts.category) * scale)
        factors.city = exp(-(parts.city + parts.pair) * scale)
        factors.season = exp(-parts.season * scale)
        factors.weekday = exp(-parts.weekday * scale)
        factors.experience = exp(-(parts.experience + parts.holiday) * scale)
        factors.band = exp(-model.experienceEffect * (band.representativeYears - cell.meanExperience) * scale)
        let multiplier =
          factors.base * factors.city * factors.season * factors.weekday * factors.experience * factors.band
        raw.append(.init(category: cell.category, city: cell.city, band: band.name, date: cell.date, multiplier: multiplier, factors: factors))
      }
    }
    return smoothAndClamp(raw, config: config, current: current)
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
      meanExperience: cell.meanExperience, holiday: cell.holiday)
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

  static func smoothAndClamp(_ raw: [CandidateMultiplier], config: PolicyConfig, current: [String: Double])
    -> [CandidateMultiplier]
  {
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
        result[index] = candidate
      }
    }
    return result
  }

  /// Where a multiplier may land: the bounds, and within them the daily-change limit around the
  /// currently published multiplier, both on the 4-decimal grid of `numeric(6,4)`. The bounds win: when the
  /// published multiplier lies so far outside them (the bounds were tightened) that the limit's range misses
  /// them, the range is the bound nearest to it, so a policy change takes effect at the next run.
  static func allowedRange(previous: Double?, config: PolicyConfig) -> ClosedRange<Double> {
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
    var lines = [
      "\(candidate.category) in \(candidate.city) on \(candidate.date), band \(candidate.band): multiplier \(n(candidate.multiplier))",
      "  = base \(n(f.base)) x city \(n(f.city)) x season \(n(f.season)) x weekday \(n(f.weekday))"
        + " x experience mix \(n(f.experience)) x band \(n(f.band)) x smoothing \(n(f.smoothing)) x clamp \(n(f.clamp))",
      "  demand at list price: \(String(format: "%.2f", f.predicted_bookings)) bookings for \(String(format: "%.2f", f.capacity)) slots"
        + " (pressure \(String(format: "%.3f", f.pressure)) against a target of \(String(format: "%.2f", f.target)))",
      "  elasticity \(String(format: "%.3f", f.elasticity)), weighted by confidence \(String(format: "%.3f", f.confidence))",
    ]
    if f.clamp < 0.9999 { lines.append("  capped: the bound or the daily-change limit lowered it") }
    if f.clamp > 1.0001 { lines.append("  raised by the bound or the daily-change limit") }
    if let fallback = f.fallback { lines.append("  fallback: \(fallback)") }
    return lines.joined(separator: "\n")
  }
}
