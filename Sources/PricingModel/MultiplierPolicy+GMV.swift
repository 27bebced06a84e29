import Foundation

extension MultiplierPolicy {
  /// What decided a multiplier, stored as `binding` in its factors and shown by `pricing explain`.
  public enum Binding: String, Sendable, CaseIterable {
    /// `gmv`: the price at which expected demand meets the band's capacity (elasticity below -1).
    case capacity
    /// The lower or upper bound of the policy.
    case floor, ceiling
    /// `gmv`, elasticity exactly -1: every price from the capacity price up earns the same; the one
    /// nearest to list price is taken.
    case indifferent
    /// `gmv`: the elasticity's interval held the price nearer list price than the estimate's optimum.
    case uncertainty
    /// `gmv`: the optional `max_utilisation` raised the price, or `min_volume_ratio` lowered it.
    case maxUtilisation = "max_utilisation"
    case minVolume = "min_volume"
    /// The daily-change limit against the published multiplier held it back.
    case dailyLimit = "daily_limit"
    /// `utilisation`: the price that brings expected utilisation to the target.
    case target
    /// A manual override (docs/overrides.md).
    case override
    /// No demand or no capacity: multiplier 1.
    case noDemand = "no_demand"
    case noCapacity = "no_capacity"
  }

  /// The multiplier that maximises expected GMV of one band, before smoothing, at the elasticity's
  /// estimate (`gmvOptimum`), then made robust to its uncertainty: the multiplier whose worst GMV against
  /// list price, over the elasticities within `margin` standard errors of the estimate (clamped to
  /// `elasticityRange`, the whole range for a prior), is highest. Where the interval straddles -1 (a
  /// discount and a rise could each lose), that is list price unless capacity binds; where it lies wholly
  /// on one side, the price moves as far as it pays off across the interval. Margin 0: the estimate alone.
  public static func robustGMVOptimum(
    pressure p: Double, elasticity e: Double, stdError: Double, margin: Double, elasticityRange: ClosedRange<Double>,
    bounds: ClosedRange<Double>, maxUtilisation: Double?, minVolumeRatio: Double
  ) -> (multiplier: Double, binding: Binding, atEstimate: Double) {
    let estimate = gmvOptimum(
      pressure: p, elasticity: e, bounds: bounds, maxUtilisation: maxUtilisation, minVolumeRatio: minVolumeRatio)
    guard p.isFinite, p > 0, e.isFinite, margin > 0, bounds.lowerBound < bounds.upperBound else {
      return (estimate.multiplier, estimate.binding, estimate.multiplier)
    }
    let low = stdError.isFinite ? max(elasticityRange.lowerBound, e - margin * stdError) : elasticityRange.lowerBound
    let high = stdError.isFinite ? min(elasticityRange.upperBound, e + margin * stdError) : elasticityRange.upperBound
    guard low < high else { return (estimate.multiplier, estimate.binding, estimate.multiplier) }
    /// GMV at m against GMV at list price, at elasticity x.
    func ratio(_ m: Double, _ x: Double) -> Double { m * min(p * pow(m, x), 1) / min(p, 1) }
    func worst(_ m: Double) -> Double { min(ratio(m, low), ratio(m, e), ratio(m, high)) }
    // The worst case is quasi-concave in log m (a minimum of unimodal curves): golden-section search.
    var a = log(bounds.lowerBound)
    var b = log(bounds.upperBound)
    let golden = (5.0.squareRoot() - 1) / 2
    var c = b - golden * (b - a)
    var d = a + golden * (b - a)
    var fc = worst(exp(c))
    var fd = worst(exp(d))
    for _ in 0..<48 {
      if fc < fd {
        a = c
        c = d
        fc = fd
        d = a + golden * (b - a)
        fd = worst(exp(d))
      } else {
        b = d
        d = c
        fd = fc
        c = b - golden * (b - a)
        fc = worst(exp(c))
      }
    }
    // Candidates: the search's result, the bounds, list price and the estimate's optimum; the best worst
    // case wins, ties going to the one nearest list price.
    let one = min(max(1, bounds.lowerBound), bounds.upperBound)
    let candidates = [exp((a + b) / 2), bounds.lowerBound, bounds.upperBound, one, estimate.multiplier]
    var best = one
    var bestValue = worst(one)
    for candidate in candidates {
      let value = worst(candidate)
      if value > bestValue + 1e-9 || (abs(value - bestValue) <= 1e-9 && abs(log(candidate)) < abs(log(best))) {
        best = candidate
        bestValue = value
      }
    }
    if abs(best - estimate.multiplier) < 1e-6 { return (estimate.multiplier, estimate.binding, estimate.multiplier) }
    var binding: Binding = best <= bounds.lowerBound ? .floor : best >= bounds.upperBound ? .ceiling : .uncertainty
    var multiplier = best
    // The optional constraints hold at the estimate, as for the estimate's optimum.
    if let u = maxUtilisation, min(p * pow(multiplier, e), 1) > u + 1e-12 {
      multiplier = min(max(pow(u / p, 1 / e), bounds.lowerBound), bounds.upperBound)
      binding = multiplier >= bounds.upperBound ? .ceiling : .maxUtilisation
    }
    if minVolumeRatio > 0, min(p * pow(multiplier, e), 1) < minVolumeRatio * min(p, 1) - 1e-12 {
      multiplier = min(max(pow(minVolumeRatio * min(p, 1) / p, 1 / e), bounds.lowerBound), bounds.upperBound)
      binding = multiplier <= bounds.lowerBound ? .floor : .minVolume
    }
    return (multiplier, binding, estimate.multiplier)
  }

  /// The multiplier that maximises expected GMV of one band, before the confidence's pull and smoothing.
  ///
  /// With pressure p (expected bookings per slot at list price) and elasticity e < 0, expected served
  /// bookings per slot at multiplier m are min(p m^e, 1) and GMV per slot and unit of list price
  /// m min(p m^e, 1). Below the capacity price m_c = p^(-1/e) every slot is sold and GMV grows with m; above
  /// it GMV grows as m^(1+e). So for e < -1 the optimum is m_c, for -1 < e < 0 the highest price, and for
  /// e = -1 any m >= m_c (the one nearest 1 is taken); each within the bounds. Then the optional
  /// constraints: `maxUtilisation` u raises m until p m^e <= u; `minVolumeRatio` r lowers it until served
  /// bookings are at least r x those at list price (the volume floor wins when both bind).
  public static func gmvOptimum(
    pressure p: Double, elasticity e: Double, bounds: ClosedRange<Double>, maxUtilisation: Double?,
    minVolumeRatio: Double
  ) -> (multiplier: Double, binding: Binding) {
    func clamp(_ value: Double) -> Double { min(max(value, bounds.lowerBound), bounds.upperBound) }
    func bound(_ value: Double, else binding: Binding) -> Binding {
      value <= bounds.lowerBound ? .floor : value >= bounds.upperBound ? .ceiling : binding
    }
    guard p.isFinite, p > 0, e.isFinite else { return (clamp(1), .noDemand) }
    guard e < 0 else { return (bounds.upperBound, .ceiling) }
    let capacityPrice = pow(p, -1 / e)
    var multiplier: Double
    var binding: Binding
    if abs(e + 1) < 1e-9 {
      multiplier = min(max(1, max(capacityPrice, bounds.lowerBound)), bounds.upperBound)
      binding = multiplier == capacityPrice ? .capacity : bound(multiplier, else: .indifferent)
    } else if e < -1 {
      multiplier = clamp(capacityPrice)
      binding = bound(capacityPrice, else: .capacity)
    } else {
      multiplier = bounds.upperBound
      binding = .ceiling
    }
    if let u = maxUtilisation, min(p * pow(multiplier, e), 1) > u + 1e-12 {
      let raised = pow(u / p, 1 / e)
      multiplier = clamp(raised)
      binding = raised >= bounds.upperBound ? .ceiling : .maxUtilisation
    }
    if minVolumeRatio > 0 {
      let floorBookings = minVolumeRatio * min(p, 1)
      if min(p * pow(multiplier, e), 1) < floorBookings - 1e-12 {
        let lowered = pow(floorBookings / p, 1 / e)
        multiplier = clamp(lowered)
        binding = lowered <= bounds.lowerBound ? .floor : .minVolume
      }
    }
    return (multiplier, binding)
  }

  /// One band's part of a cell: its slots, its demand per slot against the cell's (`pressureRatio`), and
  /// its list price.
  struct BandShare {
    var capacity: Double
    var pressureRatio: Double
    var listPrice: Double?
    var currency: String?
  }

  /// How a cell's demand and capacity split between the bands (docs/model.md, "Bands"). A band's slots are
  /// its providers'; its demand at list price is the cell's in proportion to capacity x exp(gamma x years),
  /// the model's experience effect, normalised so that the bands' demands add up to the cell's. A band
  /// without providers is priced at the demand per slot its representative experience would meet. Without
  /// supply (unknown), the capacity splits evenly at the bands' representative experience.
  static func bandSplit(_ cell: FutureCell, bands: [ExperienceBand], experienceEffect gamma: Double) -> [BandShare] {
    let supplies: [BandSupply] =
      cell.supply.isEmpty
      ? bands.map {
        BandSupply(
          band: $0.name, capacity: cell.capacity / Double(max(1, bands.count)), meanExperience: $0.representativeYears,
          listPrice: nil, currency: nil)
      } : bands.map { band in
        cell.supply.first { $0.band == band.name }
          ?? BandSupply(band: band.name, capacity: 0, meanExperience: band.representativeYears, listPrice: nil, currency: nil)
      }
    let weight = supplies.reduce(0) { $0 + $1.capacity * exp(gamma * ($1.meanExperience - cell.meanExperience)) }
    let total = supplies.reduce(0) { $0 + $1.capacity }
    return supplies.map { supply in
      let relative = exp(gamma * (supply.meanExperience - cell.meanExperience))
      let ratio = supply.capacity > 0 && weight > 0 ? relative * total / weight : relative
      return BandShare(
        capacity: supply.capacity, pressureRatio: ratio.isFinite ? ratio : 1, listPrice: supply.listPrice,
        currency: supply.currency)
    }
  }

  /// Expected served bookings of a band at multiplier m: capacity x min(demand per slot x m^e, 1).
  public static func served(demand: Double, capacity: Double, elasticity e: Double, multiplier m: Double) -> Double {
    guard capacity > 0, demand > 0, m > 0 else { return 0 }
    return min(demand * pow(m, e), capacity)
  }

  /// The candidate with its expected bookings and GMV (at its multiplier and at list price) and what held it
  /// back when the bounds or the daily-change limit moved it.
  public static func withExpectations(_ candidate: CandidateMultiplier, config: PolicyConfig, current: [String: Double])
    -> CandidateMultiplier
  {
    var result = candidate
    var factors = candidate.factors
    let demand = factors.band_demand ?? 0
    let capacity = factors.band_capacity ?? 0
    let atM = served(demand: demand, capacity: capacity, elasticity: factors.elasticity, multiplier: candidate.multiplier)
    let atList = served(demand: demand, capacity: capacity, elasticity: factors.elasticity, multiplier: 1)
    factors.expected_bookings = atM
    factors.bookings_at_list = atList
    if let price = factors.list_price {
      factors.expected_gmv = price * candidate.multiplier * atM
      factors.gmv_at_list = price * atList
    }
    if factors.dynamic != nil {
      factors.expected_gmv_dynamic = factors.list_price.map {
        $0 * factors.dynamic! * served(demand: demand, capacity: capacity, elasticity: factors.elasticity, multiplier: factors.dynamic!)
      }
    } else if abs(factors.clamp - 1) > 1e-4 {
      let bounds = allowedRange(previous: nil, config: config)
      if candidate.multiplier <= bounds.lowerBound {
        factors.binding = Binding.floor.rawValue
      } else if candidate.multiplier >= bounds.upperBound {
        factors.binding = Binding.ceiling.rawValue
      } else if current[candidate.key] != nil {
        factors.binding = Binding.dailyLimit.rawValue
      }
    }
    result.factors = factors
    return result
  }
}
