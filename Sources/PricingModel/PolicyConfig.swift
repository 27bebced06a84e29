/// The multiplier policy's settings, with their defaults (docs/model.md; file: `data/policy.toml`).
public struct PolicyConfig: Sendable, Equatable, Codable {
  /// Expected bookings per slot of capacity the multiplier aims at.
  public var target_utilisation: Double = 0.85
  public var min_multiplier: Double = 0.80
  public var max_multiplier: Double = 1.50
  /// Largest change of a cell's multiplier against the currently published one, as a fraction.
  public var max_daily_change: Double = 0.10
  /// Width of the centred moving average over adjacent days (1 = none).
  public var smoothing_days: Int = 3
  /// A category x city with fewer bookings than this in its history is priced from its category and
  /// city effects alone (its own pair effect is not trusted).
  public var min_history_bookings: Double = 30
  /// Days priced after the as-of date.
  public var horizon_days: Int = 28
  /// The most recent days held out for validation.
  public var holdout_days: Int = 28
  /// Weeks averaged by the seasonal-naive baseline.
  public var baseline_weeks: Int = 4
  /// Days of history used for the fit.
  public var history_days: Int = 730
  /// Weight of the multiplier when the elasticity is only the prior (no price variation in the data).
  public var prior_confidence: Double = 0.5

  public init() {}

  /// The first problem with the settings, naming the setting, or nil.
  public func problem() -> String? {
    if !(target_utilisation > 0 && target_utilisation <= 2) { return "target_utilisation must be in (0, 2]" }
    if !(min_multiplier > 0 && min_multiplier <= 1) { return "min_multiplier must be in (0, 1]" }
    if !(max_multiplier >= 1 && max_multiplier <= 9.9999) { return "max_multiplier must be in [1, 9.9999]" }
    if !(max_daily_change > 0 && max_daily_change <= 1) { return "max_daily_change must be in (0, 1]" }
    if smoothing_days < 1 || smoothing_days > 15 { return "smoothing_days must be between 1 and 15" }
    if min_history_bookings < 0 { return "min_history_bookings must not be negative" }
    if horizon_days < 1 || horizon_days > 366 { return "horizon_days must be between 1 and 366" }
    if holdout_days < 7 || holdout_days > 180 { return "holdout_days must be between 7 and 180" }
    if baseline_weeks < 1 || baseline_weeks > 52 { return "baseline_weeks must be between 1 and 52" }
    if history_days < holdout_days + 28 { return "history_days must be at least holdout_days + 28" }
    if !(prior_confidence >= 0 && prior_confidence <= 1) { return "prior_confidence must be in [0, 1]" }
    return nil
  }
}
