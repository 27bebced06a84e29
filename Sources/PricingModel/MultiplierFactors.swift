/// Why a multiplier is what it is: the factors whose product it is, the objective's step, and what the
/// model expects of it. Stored as JSON with each candidate (`candidate_factors`); fields added after the
/// first release are optional, so that older runs still read.
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
  /// The 80% and 95% prediction intervals of the cell's demand at list price ([low, high], NB2 quantiles with
  /// the forecast's dispersion; nil in runs before they were added).
  public var demand_interval_80: [Double]?
  public var demand_interval_95: [Double]?
  public var capacity = 0.0
  public var elasticity = 0.0
  /// Weight of the demand signal: 1 / (1 + (se / |e|)^2), 0 when the elasticity is not significantly
  /// negative, the configured prior confidence when it is the prior.
  public var confidence = 0.0
  /// Set when the cell is priced by a fallback (no capacity, a pair with too little history).
  public var fallback: String?

  /// `gmv` or `utilisation`.
  public var objective: String?
  /// The elasticity's standard error (infinite for the prior).
  public var elasticity_se: Double?
  /// The band's slots per day, and its expected bookings at list price (its share of the cell's demand).
  public var band_capacity: Double?
  public var band_demand: Double?
  /// The band's capacity-weighted list price and its currency (nil when unknown).
  public var list_price: Double?
  public var currency: String?
  /// `gmv`: the multiplier that maximises expected GMV within the bounds, and the confidence's pull toward 1
  /// (the multiplier before smoothing / the optimum).
  public var optimum: Double?
  public var shrink: Double?
  /// What decided the multiplier (`MultiplierPolicy.Binding`).
  public var binding: String?
  /// Expected bookings (served: at most the band's capacity) and GMV at the multiplier and at list price.
  public var expected_bookings: Double?
  public var expected_gmv: Double?
  public var bookings_at_list: Double?
  public var gmv_at_list: Double?

  /// Overridden cells: the dynamic multiplier (what the policy set without the overrides), the override's
  /// factor (multiplier / dynamic), the overrides that decided it, whether one was `fixed`, and the expected
  /// GMV at the dynamic multiplier.
  public var dynamic: Double?
  public var override: Double?
  public var overrides: [OverrideNote]?
  public var override_fixed: Bool?
  public var expected_gmv_dynamic: Double?
  /// Explored cells: the randomised factor exploration moved the multiplier by (multiplier after / before;
  /// `PriceExploration`). Nil where the cell was not explored.
  public var exploration: Double?

  /// One override that decided a multiplier, as `explain` names it.
  public struct OverrideNote: Sendable, Equatable, Codable {
    public var id: Int64
    public var kind: String
    public var value: Double?
    public var reason: String
    public var created_by: String

    public init(_ override: PriceOverride) {
      id = override.id
      kind = override.kind.rawValue
      value = override.value
      reason = override.reason
      created_by = override.createdBy
    }
  }

  public init() {}

  enum CodingKeys: String, CodingKey {
    case base, city, season, weekday, experience, band, smoothing, clamp, pressure, target, predicted_bookings, capacity, elasticity, confidence, fallback, objective, elasticity_se, band_capacity, band_demand, list_price, currency, optimum, shrink, binding, expected_bookings, expected_gmv, bookings_at_list, gmv_at_list, dynamic, override, overrides, override_fixed, expected_gmv_dynamic, demand_interval_80, demand_interval_95, exploration
  }

  /// Reads stored factors; a key a run did not store keeps its default (older runs, hand-made rows).
  public init(from decoder: Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let defaults = MultiplierFactors()
    base = try container.decodeIfPresent(Double.self, forKey: .base) ?? defaults.base
    city = try container.decodeIfPresent(Double.self, forKey: .city) ?? defaults.city
    season = try container.decodeIfPresent(Double.self, forKey: .season) ?? defaults.season
    weekday = try container.decodeIfPresent(Double.self, forKey: .weekday) ?? defaults.weekday
    experience = try container.decodeIfPresent(Double.self, forKey: .experience) ?? defaults.experience
    band = try container.decodeIfPresent(Double.self, forKey: .band) ?? defaults.band
    smoothing = try container.decodeIfPresent(Double.self, forKey: .smoothing) ?? defaults.smoothing
    clamp = try container.decodeIfPresent(Double.self, forKey: .clamp) ?? defaults.clamp
    pressure = try container.decodeIfPresent(Double.self, forKey: .pressure) ?? defaults.pressure
    target = try container.decodeIfPresent(Double.self, forKey: .target) ?? defaults.target
    predicted_bookings = try container.decodeIfPresent(Double.self, forKey: .predicted_bookings) ?? defaults.predicted_bookings
    capacity = try container.decodeIfPresent(Double.self, forKey: .capacity) ?? defaults.capacity
    elasticity = try container.decodeIfPresent(Double.self, forKey: .elasticity) ?? defaults.elasticity
    confidence = try container.decodeIfPresent(Double.self, forKey: .confidence) ?? defaults.confidence
    fallback = try container.decodeIfPresent(String.self, forKey: .fallback)
    objective = try container.decodeIfPresent(String.self, forKey: .objective)
    elasticity_se = try container.decodeIfPresent(Double.self, forKey: .elasticity_se)
    band_capacity = try container.decodeIfPresent(Double.self, forKey: .band_capacity)
    band_demand = try container.decodeIfPresent(Double.self, forKey: .band_demand)
    list_price = try container.decodeIfPresent(Double.self, forKey: .list_price)
    currency = try container.decodeIfPresent(String.self, forKey: .currency)
    optimum = try container.decodeIfPresent(Double.self, forKey: .optimum)
    shrink = try container.decodeIfPresent(Double.self, forKey: .shrink)
    binding = try container.decodeIfPresent(String.self, forKey: .binding)
    expected_bookings = try container.decodeIfPresent(Double.self, forKey: .expected_bookings)
    expected_gmv = try container.decodeIfPresent(Double.self, forKey: .expected_gmv)
    bookings_at_list = try container.decodeIfPresent(Double.self, forKey: .bookings_at_list)
    gmv_at_list = try container.decodeIfPresent(Double.self, forKey: .gmv_at_list)
    dynamic = try container.decodeIfPresent(Double.self, forKey: .dynamic)
    override = try container.decodeIfPresent(Double.self, forKey: .override)
    overrides = try container.decodeIfPresent([OverrideNote].self, forKey: .overrides)
    override_fixed = try container.decodeIfPresent(Bool.self, forKey: .override_fixed)
    expected_gmv_dynamic = try container.decodeIfPresent(Double.self, forKey: .expected_gmv_dynamic)
    demand_interval_80 = try container.decodeIfPresent([Double].self, forKey: .demand_interval_80)
    demand_interval_95 = try container.decodeIfPresent([Double].self, forKey: .demand_interval_95)
    exploration = try container.decodeIfPresent(Double.self, forKey: .exploration)
  }
}
