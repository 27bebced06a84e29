import Foundation

/// The demand model's design: which effects enter, how they are coded, and which are shrunk.
///
/// log E[bookings] = log(capacity) + intercept + category + city + (category x city)
///                   + weekday + (category x weekday)
///                   + season(doy) + season_category(doy) + southern x season_south_category(doy)
///                   + trend t + trend_category t
///                   + sum over events in force of event_category
///                   + gamma (mean experience - 5) + e_category log(price ratio) [+ holiday]
///
/// With `separatesPipelinePrices`, a day priced by a published table enters as
/// e_category log(exploration factor) + c_category (log(price ratio) - log(exploration factor)), the table's
/// planned log price standing in for the second term where no booking or quote observed a price.
///
/// - category, city and weekday are categoricals against their first level (unpenalised);
/// - category x city is one indicator per pair with *no* reference level, ridge-shrunk (penalty factor
///   1): a pair with little data borrows the sum of its main effects;
/// - category x weekday (`structure.categoryWeekday`): one indicator per pair, ridge-shrunk toward the
///   shared weekday profile;
/// - season: `structure.seasonHarmonics` Fourier harmonics of t = (doy - 1) / 365.25 shared by every
///   category (unpenalised), plus each category's deviation, ridge-shrunk: a category with years of data
///   follows its own curve, one launched weeks ago follows the pooled one; plus a ridge-shrunk deviation
///   for southern-hemisphere cities, shrunk toward the category's curve;
/// - trend (`structure.trend`): years since `trendOrigin`, shared (unpenalised) plus category deviations
///   (ridge);
/// - events: per event group of the calendar (an event's window, and separately its lead-in) one
///   coefficient per category, ridge-shrunk toward no effect;
/// - e_category: the price elasticity, one log-price-ratio column per category (unpenalised);
/// - experience: capacity-weighted mean years of the cell's providers, centred at 5.
///
/// The deviations' penalty factor is `structure.deviationPenalty` (relative to the fit's lambda).
public struct DemandFeatures: Sendable {
  public let categories: [String]
  public let cities: [String]
  public let useHoliday: Bool
  public let structure: DemandStructure
  /// The event groups with a column (those in force on some fitted day), sorted.
  public let eventGroups: [String]
  /// Day 0 of the trend (the as-of date): a forecast extrapolates the trend from its fitted level there.
  public let trendOrigin: CalendarDay
  /// Days priced by published tables (`DemandCell.logExploration` set) answer the elasticity through their
  /// exploration factor only; the rest of their price enters as a per-category control `pipeline_price`
  /// (`ElasticityIdentification.exploration`).
  public let separatesPipelinePrices: Bool

  public init(
    categories: [String], cities: [String], useHoliday: Bool, structure: DemandStructure = .plain,
    eventGroups: [String] = [], trendOrigin: CalendarDay = CalendarDay(daysSinceEpoch: 0),
    separatesPipelinePrices: Bool = false
  ) {
    self.separatesPipelinePrices = separatesPipelinePrices
    self.categories = categories
    self.cities = cities
    self.useHoliday = useHoliday
    self.structure = structure
    self.eventGroups = eventGroups
    self.trendOrigin = trendOrigin
  }

  public static func pairLevel(_ category: String, _ city: String) -> String { "\(category)|\(city)" }
  public static func weekdayLevel(_ category: String, _ weekday: Int) -> String { "\(category)|\(weekday)" }

  /// The Fourier regressors of a date: cos and sin of each harmonic 1...harmonics.
  public static func fourier(_ date: CalendarDay, harmonics: Int = 2) -> [Double] {
    let t = 2 * Double.pi * Double(date.dayOfYear - 1) / 365.25
    var values: [Double] = []
    values.reserveCapacity(2 * harmonics)
    for k in 1...max(1, harmonics) {
      values.append(cos(Double(k) * t))
      values.append(sin(Double(k) * t))
    }
    return values
  }

  /// The names of the Fourier regressors: cos1, sin1, cos2, sin2, ...
  public static func fourierNames(harmonics: Int) -> [String] {
    (1...max(1, harmonics)).flatMap { ["cos\($0)", "sin\($0)"] }
  }

  /// Years from the trend origin.
  public func trendValue(_ date: CalendarDay) -> Double {
    Double(date.daysSinceEpoch - trendOrigin.daysSinceEpoch) / 365.25
  }

  /// Builds the GLM data of `cells` (responses as given); a cell without a price observation gets its
  /// category's mean.
  public func glmData(_ cells: [DemandCell]) throws -> GLMData {
    try glmData(cells, response: cells.map(\.bookings))
  }

  public func glmData(_ cells: [DemandCell], response: [Double]) throws -> GLMData {
    let n = cells.count
    let deviation = structure.deviationPenalty
    var design = SparseDesign(rowCount: n)
    let categoryIndex = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1, $0) })
    let cityIndex = Dictionary(uniqueKeysWithValues: cities.enumerated().map { ($1, $0) })
    let categoryCodes = cells.map { Int32(categoryIndex[$0.category]!) }
    try design.addCategorical(name: "category", levels: categories, codes: categoryCodes, penaltyFactor: 0)
    try design.addCategorical(
      name: "city", levels: cities, codes: cells.map { Int32(cityIndex[$0.city]!) }, penaltyFactor: 0)
    var pairs = ["(none)"]
    for category in categories { for city in cities { pairs.append(Self.pairLevel(category, city)) } }
    try design.addCategorical(
      name: "pair", levels: pairs,
      codes: cells.map { Int32(1 + categoryIndex[$0.category]! * cities.count + cityIndex[$0.city]!) },
      penaltyFactor: 1)
    try design.addCategorical(
      name: "weekday", levels: (1...7).map(String.init), codes: cells.map { Int32($0.date.isoWeekday - 1) },
      penaltyFactor: 0)
    if structure.categoryWeekday {
      var levels = ["(none)"]
      for category in categories { for weekday in 1...7 { levels.append(Self.weekdayLevel(category, weekday)) } }
      try design.addCategorical(
        name: "weekday_by_category", levels: levels,
        codes: cells.enumerated().map { 1 + Int32(categoryCodes[$0.offset]) * 7 + Int32($0.element.date.isoWeekday - 1) },
        penaltyFactor: deviation)
    }
    // Varying slopes: one column per category for each Fourier term, the southern deviation, the trend,
    // each event group and the log price ratio, each with a single non-zero per row (the placeholder level
    // 0 carries no column).
    let slopeLevels = ["(none)"] + categories
    let slopeCodes = categoryCodes.map { $0 + 1 }
    let southernCodes = cells.enumerated().map { $0.element.southern ? slopeCodes[$0.offset] : 0 }
    let harmonics = structure.seasonHarmonics
    let names = Self.fourierNames(harmonics: harmonics)
    let fourier = cells.map { Self.fourier($0.date, harmonics: harmonics) }
    for k in names.indices {
      try design.addNumeric(name: "season.\(names[k])", values: fourier.map { $0[k] }, penaltyFactor: 0)
    }
    for k in names.indices {
      try design.addVaryingSlope(
        name: "season.\(names[k])", levels: slopeLevels, codes: slopeCodes, values: fourier.map { $0[k] },
        penaltyFactor: deviation)
    }
    for k in names.indices {
      try design.addVaryingSlope(
        name: "season_south.\(names[k])", levels: slopeLevels, codes: southernCodes, values: fourier.map { $0[k] },
        penaltyFactor: deviation)
    }
    if structure.trend {
      let values = cells.map { trendValue($0.date) }
      try design.addNumeric(name: "trend", values: values, penaltyFactor: 0)
      try design.addVaryingSlope(
        name: "trend", levels: slopeLevels, codes: slopeCodes, values: values, penaltyFactor: deviation)
    }
    for group in eventGroups {
      let codes = cells.enumerated().map { $0.element.events.contains(group) ? slopeCodes[$0.offset] : 0 }
      try design.addVaryingSlope(
        name: "event.\(group)", levels: slopeLevels, codes: codes, values: [Double](repeating: 1, count: n),
        penaltyFactor: 1)
    }
    try design.addNumeric(name: "experience", values: cells.map { $0.meanExperience - 5 }, penaltyFactor: 0)
    // Missing price observations: the category's mean log ratio.
    var sums = [Double](repeating: 0, count: categories.count)
    var counts = [Double](repeating: 0, count: categories.count)
    for (index, cell) in cells.enumerated() {
      if let ratio = cell.logPriceRatio {
        sums[Int(categoryCodes[index])] += ratio
        counts[Int(categoryCodes[index])] += 1
      }
    }
    let means = (0..<categories.count).map { counts[$0] > 0 ? sums[$0] / counts[$0] : 0 }
    func observedRatio(_ index: Int) -> Double { cells[index].logPriceRatio ?? means[Int(categoryCodes[index])] }
    if separatesPipelinePrices {
      try design.addVaryingSlope(
        name: "elasticity", levels: slopeLevels, codes: slopeCodes,
        values: cells.indices.map { cells[$0].logExploration ?? observedRatio($0) }, penaltyFactor: 0)
      try design.addVaryingSlope(
        name: "pipeline_price", levels: slopeLevels, codes: slopeCodes,
        values: cells.map { $0.logPipelinePrice ?? 0 }, penaltyFactor: 0)
    } else {
      try design.addVaryingSlope(
        name: "elasticity", levels: slopeLevels, codes: slopeCodes,
        values: cells.indices.map { observedRatio($0) }, penaltyFactor: 0)
    }
    if useHoliday {
      try design.addNumeric(name: "holiday", values: cells.map { $0.holiday ? 1 : 0 }, penaltyFactor: 0)
    }
    return GLMData(design: design, response: response, offset: cells.map { log(max($0.capacity, 1e-9)) })
  }
}
