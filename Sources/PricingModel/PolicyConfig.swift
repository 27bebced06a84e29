/// The multiplier policy's settings, with their defaults (docs/model.md; file: `data/policy.toml`).
public struct PolicyConfig: Sendable, Equatable, Codable {
  /// What a multiplier maximises (docs/model.md, "The objective").
  public var objective: PricingObjective = .gmv
  /// Expected bookings per slot of capacity the multiplier aims at (`objective = "utilisation"`).
  public var target_utilisation: Double = 0.85
  /// `gmv` only, optional: where the optimum's expected utilisation would exceed this, the price rises until
  /// it does not (within the bounds). Nil: off.
  public var max_utilisation: Double?
  /// `gmv` only: the optimum's expected bookings never fall below this share of the expected bookings at
  /// list price (the price is lowered until they do not, within the bounds). 0: off.
  public var min_volume_ratio: Double = 0
  /// `gmv`: standard errors of the elasticity within which a price must pay off. The policy takes the
  /// multiplier whose worst expected GMV against list price over that interval is highest (0: the estimate
  /// alone; docs/model.md, "The objective").
  public var elasticity_margin: Double = 1.645
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
  /// Budgeted price exploration (the `[explore]` section).
  public var explore = ExplorationConfig()

  public init() {}

  enum CodingKeys: String, CodingKey {
    case objective, target_utilisation, max_utilisation, min_volume_ratio, elasticity_margin, min_multiplier, max_multiplier
    case max_daily_change, smoothing_days, min_history_bookings, horizon_days, holdout_days, baseline_weeks
    case history_days, prior_confidence, explore
  }

  /// Reads a run's stored settings; runs stored before the objective existed priced by utilisation, and
  /// before exploration existed explored nothing.
  public init(from decoder: Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let defaults = PolicyConfig()
    func value<T: Decodable>(_ key: CodingKeys, _ fallback: T) throws -> T {
      try container.decodeIfPresent(T.self, forKey: key) ?? fallback
    }
    objective = try value(.objective, PricingObjective.utilisation)
    target_utilisation = try value(.target_utilisation, defaults.target_utilisation)
    max_utilisation = try container.decodeIfPresent(Double.self, forKey: .max_utilisation)
    min_volume_ratio = try value(.min_volume_ratio, defaults.min_volume_ratio)
    elasticity_margin = try value(.elasticity_margin, 0)
    min_multiplier = try value(.min_multiplier, defaults.min_multiplier)
    max_multiplier = try value(.max_multiplier, defaults.max_multiplier)
    max_daily_change = try value(.max_daily_change, defaults.max_daily_change)
    smoothing_days = try value(.smoothing_days, defaults.smoothing_days)
    min_history_bookings = try value(.min_history_bookings, defaults.min_history_bookings)
    horizon_days = try value(.horizon_days, defaults.horizon_days)
    holdout_days = try value(.holdout_days, defaults.holdout_days)
    baseline_weeks = try value(.baseline_weeks, defaults.baseline_weeks)
    history_days = try value(.history_days, defaults.history_days)
    prior_confidence = try value(.prior_confidence, defaults.prior_confidence)
    explore = try value(.explore, ExplorationConfig.off)
  }

  /// The first problem with the settings, naming the setting, or nil.
  public func problem() -> String? {
    if !(target_utilisation > 0 && target_utilisation <= 2) { return "target_utilisation must be in (0, 2]" }
    if let max_utilisation, !(max_utilisation > 0 && max_utilisation <= 2) {
      return "max_utilisation must be in (0, 2] or \"off\""
    }
    if !(min_volume_ratio >= 0 && min_volume_ratio <= 1) { return "min_volume_ratio must be in [0, 1]" }
    if !(elasticity_margin >= 0 && elasticity_margin <= 10) { return "elasticity_margin must be in [0, 10]" }
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
