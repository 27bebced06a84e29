/// Which terms the demand model has beyond its fixed ones (docs/model.md): chosen per fit by rolling-origin
/// backtests among `DemandStructure.candidates`, and cut back to what the history can support
/// (`supported(historyDays:)`).
public struct DemandStructure: Sendable, Equatable, Codable, CustomStringConvertible {
  /// Fourier harmonics of the day-of-year season (shared curve, category deviations and southern
  /// deviations each get this many cos/sin pairs).
  public var seasonHarmonics: Int
  /// A weekday profile per category, ridge-shrunk toward the shared weekday effects.
  public var categoryWeekday: Bool
  /// A log-linear trend in time (shared, plus ridge-shrunk category deviations).
  public var trend: Bool
  /// The ridge lambda on the season, weekday and trend deviations, relative to `interaction_l2`.
  public var deviationPenalty: Double

  public init(seasonHarmonics: Int = 2, categoryWeekday: Bool = true, trend: Bool = true, deviationPenalty: Double = 1) {
    self.seasonHarmonics = seasonHarmonics
    self.categoryWeekday = categoryWeekday
    self.trend = trend
    self.deviationPenalty = deviationPenalty
  }

  /// The model as it was before structure selection: two harmonics, one weekday profile, no trend.
  public static let plain = DemandStructure(seasonHarmonics: 2, categoryWeekday: false, trend: false)

  /// The structures the backtests compare.
  public static let candidates: [DemandStructure] = [
    DemandStructure(seasonHarmonics: 2),
    DemandStructure(seasonHarmonics: 4),
    DemandStructure(seasonHarmonics: 4, deviationPenalty: 0.2),
  ]

  /// Days of history a structure needs for each term: a full year and a season's span for harmonics beyond
  /// two and for a trend (within one year a trend cannot be told from the season).
  public static let daysForRichSeason = 400
  public static let daysForTrend = 400

  /// The structure cut back to what `historyDays` of training can support, with the reason for each term
  /// dropped.
  public func supported(historyDays: Int) -> (structure: DemandStructure, dropped: [String]) {
    var result = self
    var dropped: [String] = []
    if seasonHarmonics > 2 && historyDays < Self.daysForRichSeason {
      result.seasonHarmonics = 2
      dropped.append(
        "season harmonics \(seasonHarmonics) cut to 2: \(historyDays) days of history, \(Self.daysForRichSeason) needed")
    }
    if trend && historyDays < Self.daysForTrend {
      result.trend = false
      dropped.append("trend dropped: \(historyDays) days of history cannot tell a trend from the season, \(Self.daysForTrend) needed")
    }
    return (result, dropped)
  }

  public var description: String {
    "harmonics \(seasonHarmonics), category weekday \(categoryWeekday ? "on" : "off"), trend \(trend ? "on" : "off"), deviation penalty x\(deviationPenalty)"
  }
}
