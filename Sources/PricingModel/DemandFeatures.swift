import Foundation

/// The demand model's design: which effects enter, how they are coded, and which are shrunk.
///
/// log E[bookings] = log(capacity) + intercept + category + city + (category x city)
///                   + season_category(doy) + southern x season_category(doy) + weekday
///                   + gamma (mean experience - 5) + e_category log(price ratio) [+ holiday]
///
/// - category, city and weekday are categoricals against their first level (unpenalised);
/// - category x city is one indicator per pair with *no* reference level, ridge-shrunk (penalty factor
///   1): a pair with little data borrows the sum of its main effects;
/// - season: a two-harmonic Fourier curve of t = (doy - 1) / 365.25 shared by every category
///   (unpenalised), plus each category's deviation from it, ridge-shrunk: a category with years of data
///   follows its own curve, one launched weeks ago (whose harmonics its data cannot pin down, and would
///   otherwise extrapolate to exp(1000)) follows the pooled one; plus a ridge-shrunk deviation for
///   southern-hemisphere cities, whose weather seasons are reversed, shrunk toward the category's curve;
/// - e_category: the price elasticity, one log-price-ratio column per category (unpenalised);
/// - experience: capacity-weighted mean years of the cell's providers, centred at 5.
public struct DemandFeatures: Sendable {
  public let categories: [String]
  public let cities: [String]
  public let useHoliday: Bool

  public init(categories: [String], cities: [String], useHoliday: Bool) {
    self.categories = categories
    self.cities = cities
    self.useHoliday = useHoliday
  }

  public static func pairLevel(_ category: String, _ city: String) -> String { "\(category)|\(city)" }

  /// The four Fourier regressors of a date.
  public static func fourier(_ date: CalendarDay) -> [Double] {
    let t = 2 * Double.pi * Double(date.dayOfYear - 1) / 365.25
    return [cos(t), sin(t), cos(2 * t), sin(2 * t)]
  }

  static let fourierNames = ["cos1", "sin1", "cos2", "sin2"]

  /// Builds the GLM data of `cells`; a cell without a price observation gets its category's mean.
  public func glmData(_ cells: [DemandCell]) throws -> GLMData {
    let n = cells.count
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
    // Varying slopes: one column per category for each Fourier term, the southern deviation and the log
    // price ratio, each with a single non-zero per row (the placeholder level 0 carries no column).
    let slopeLevels = ["(none)"] + categories
    let slopeCodes = categoryCodes.map { $0 + 1 }
    let southernCodes = cells.enumerated().map { $0.element.southern ? slopeCodes[$0.offset] : 0 }
    let fourier = cells.map { Self.fourier($0.date) }
    for k in 0..<4 {
      try design.addNumeric(name: "season.\(Self.fourierNames[k])", values: fourier.map { $0[k] }, penaltyFactor: 0)
    }
    for k in 0..<4 {
      try design.addVaryingSlope(
        name: "season.\(Self.fourierNames[k])", levels: slopeLevels, codes: slopeCodes,
        values: fourier.map { $0[k] }, penaltyFactor: 1)
    }
    for k in 0..<4 {
      try design.addVaryingSlope(
        name: "season_south.\(Self.fourierNames[k])", levels: slopeLevels, codes: southernCodes,
        values: fourier.map { $0[k] }, penaltyFactor: 1)
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
    try design.addVaryingSlope(
      name: "elasticity", levels: slopeLevels, codes: slopeCodes,
      values: cells.enumerated().map { $0.element.logPriceRatio ?? means[Int(categoryCodes[$0.offset])] },
      penaltyFactor: 0)
    if useHoliday {
      try design.addNumeric(name: "holiday", values: cells.map { $0.holiday ? 1 : 0 }, penaltyFactor: 0)
    }
    return GLMData(
      design: design, response: cells.map(\.bookings), offset: cells.map { log(max($0.capacity, 1e-9)) })
  }
}
