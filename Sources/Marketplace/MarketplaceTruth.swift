import Postgres

/// The true parameters of a seeded marketplace, written by `pricing seed --truth FILE` so that tests can
/// check that the model recovers them. `elasticities` has the shape of `pricing model show` (docs/contracts.md
/// section 3); `std_error` is 0 because these are the true values.
public struct MarketplaceTruth: Codable, Sendable, Equatable {
  public struct Elasticity: Codable, Sendable, Equatable {
    public var category: String
    public var estimate: Double
    public var std_error: Double
  }

  public struct CategoryTruth: Codable, Sendable, Equatable {
    public var category: String
    public var base: Double
    public var elasticity: Double
    public var base_price: Double
    public var weather_driven: Bool
    /// Fourier coefficients [cos 1, sin 1, cos 2, sin 2] of the day-of-year curve, t = (doy - 1) / 365.25.
    public var season_north: [Double]
    public var season_south: [Double]
    public var peak_month_north: Int
    public var peak_month_south: Int
  }

  public struct CityTruth: Codable, Sendable, Equatable {
    public var city: String
    public var effect: Double
    public var size: Double
    public var time_zone: String
    public var country: String
    public var currency: String
    public var southern: Bool
  }

  public struct WeekdayTruth: Codable, Sendable, Equatable {
    /// ISO weekday, 1 = Monday.
    public var weekday: Int
    public var effect: Double
  }

  /// The market's shape (`MarketShape`): its preset name and what it plants.
  public struct ShapeTruth: Codable, Sendable, Equatable {
    public var preset: String
    public var category_weekday: Bool
    public var events: Bool
    public var trend_per_year: Double
    public var capacity_bound: Bool
    public var base_shift: Double
    public var southern_weight: Double
    public var daily_noise: Double
    /// The history's bookings were all at list price (nil in truths written before the preset existed).
    public var list_price_history: Bool?
    /// Per category, its weekday effects Monday first (with `category_weekday`; else `weekday_effects`).
    public var category_weekday_effects: [String: [Double]]?
    /// Per event and category, the log effect in the window and in its lead-in (with `events`).
    public var event_effects: [EventEffect]?
  }

  public struct EventEffect: Codable, Sendable, Equatable {
    public var event: String
    public var category: String
    public var window: Double
    public var lead_in: Double
  }

  public var seed: UInt64
  public var shape: ShapeTruth?
  public var bookings_requested: Int
  public var bookings_generated: Int
  public var first_slot_date: LocalDate
  public var today: LocalDate
  public var last_slot_date: LocalDate
  public var elasticities: [Elasticity]
  public var categories: [CategoryTruth]
  public var cities: [CityTruth]
  public var weekday_effects: [WeekdayTruth]
  public var experience_effect_per_year: Double
  public var experience_centre: Double
  public var multiplier_range: [Double]
}
