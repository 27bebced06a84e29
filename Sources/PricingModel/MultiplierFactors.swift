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

  public init() {}
}
