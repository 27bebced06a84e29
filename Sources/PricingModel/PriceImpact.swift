import Foundation

/// What a price table is expected to do: bookings, GMV and utilisation against another table (the current
/// one, flat list prices, another run's), under the fitted demand model, with intervals (docs/model.md,
/// "Impact").
///
/// Estimand: the expected served bookings and GMV of the next `horizon` days under the model, served =
/// min(demand x m^e, capacity) per band (`MultiplierPolicy.served`). The intervals carry the model's
/// uncertainty, not the day-to-day noise of bookings: each of `draws` simulations draws every category's
/// elasticity from its estimate and standard error (a prior's from `priorStdError`), clamped to the
/// model's bounds, and a demand level per category from a log-normal of `levelStdError` (the fit's holdout
/// miscalibration), and recomputes both tables' outcomes with the same draw, so that the change has an
/// interval of its own. Money is never added across currencies: GMV lines are per currency.
public enum PriceImpact {
  /// One band of one cell: the candidate's multiplier, the table it is compared against, and the model's
  /// demand and supply.
  public struct Cell: Sendable, Equatable {
    public var category: String
    public var city: String
    public var band: String
    public var currency: String
    public var listPrice: Double
    /// Expected bookings at list price, and slots.
    public var demand: Double
    public var capacity: Double
    public var elasticity: Double
    public var elasticityStdError: Double
    public var multiplier: Double
    public var against: Double
    /// What decided the candidate's multiplier (`MultiplierPolicy.Binding` raw value), if known.
    public var binding: String?

    public init(
      category: String, city: String, band: String, currency: String, listPrice: Double, demand: Double,
      capacity: Double, elasticity: Double, elasticityStdError: Double, multiplier: Double, against: Double,
      binding: String? = nil
    ) {
      self.category = category
      self.city = city
      self.band = band
      self.currency = currency
      self.listPrice = listPrice
      self.demand = demand
      self.capacity = capacity
      self.elasticity = elasticity
      self.elasticityStdError = elasticityStdError
      self.multiplier = multiplier
      self.against = against
      self.binding = binding
    }
  }

  /// How the intervals are drawn.
  public struct Uncertainty: Sendable, Equatable, Codable {
    public var draws = 200
    public var seed: UInt64 = 1
    /// Standard deviation of a category's log demand level.
    public var level_std_error = 0.05
    /// Standard error given to a prior elasticity (whose own is infinite).
    public var prior_std_error = 0.5
    /// The model's bounds of an elasticity.
    public var elasticity_lower = -3.0
    public var elasticity_upper = -0.1

    public init() {}
  }

  /// A 90% interval: the 5th and 95th percentiles of the draws.
  public struct Interval: Sendable, Equatable, Codable {
    public var low: Double
    public var high: Double
  }

  /// The outcome of one group (the total, a category, a city or a band) in one currency.
  public struct Line: Sendable, Equatable, Codable {
    public var category: String?
    public var city: String?
    public var band: String?
    public var currency: String
    public var cells: Int
    public var capacity: Double
    public var bookings: Double
    public var bookings_against: Double
    public var gmv: Double
    public var gmv_against: Double
    /// gmv / gmv_against - 1 (nil when the against GMV is 0).
    public var gmv_change: Double?
    public var bookings_change: Double?
    public var utilisation: Double?
    public var utilisation_against: Double?
    public var gmv_interval: Interval
    public var gmv_change_interval: Interval?
    public var bookings_interval: Interval
  }

  /// The whole estimate.
  public struct Estimate: Sendable, Equatable, Codable {
    /// What the table is compared against: `flat`, `current` (with its version), `run N`.
    public var against: String
    public var cells: Int
    public var share_at_floor: Double
    public var share_at_ceiling: Double
    public var share_held_by_daily_limit: Double
    public var total: [Line]
    public var by_category: [Line]
    public var by_city: [Line]
    public var by_band: [Line]
    public var uncertainty: Uncertainty
  }

  /// The estimate for `cells`, each group's lines sorted by name then currency.
  public static func estimate(
    _ cells: [Cell], against: String, bounds: ClosedRange<Double>, uncertainty: Uncertainty = Uncertainty()
  ) -> Estimate {
    enum Dimension: CaseIterable { case total, category, city, band }
    func key(_ cell: Cell, _ dimension: Dimension) -> String {
      switch dimension {
      case .total: return cell.currency
      case .category: return "\(cell.category)\u{1F}\(cell.currency)"
      case .city: return "\(cell.city)\u{1F}\(cell.currency)"
      case .band: return "\(cell.band)\u{1F}\(cell.currency)"
      }
    }
    // Group indices per dimension.
    var groupIndex: [Dimension: [String: Int]] = [:]
    var groupKeys: [Dimension: [String]] = [:]
    var membership = [[Int]](repeating: [], count: cells.count)
    var offset = 0
    var groupCount = 0
    for dimension in Dimension.allCases {
      var index: [String: Int] = [:]
      var keys: [String] = []
      for (position, cell) in cells.enumerated() {
        let name = key(cell, dimension)
        let group: Int
        if let existing = index[name] {
          group = existing
        } else {
          group = offset + keys.count
          index[name] = group
          keys.append(name)
        }
        membership[position].append(group)
      }
      groupIndex[dimension] = index
      groupKeys[dimension] = keys
      offset += keys.count
      groupCount = offset
    }

    // Point estimates.
    var capacity = [Double](repeating: 0, count: groupCount)
    var count = [Int](repeating: 0, count: groupCount)
    var bookings = capacity
    var bookingsAgainst = capacity
    var gmv = capacity
    var gmvAgainst = capacity
    for (position, cell) in cells.enumerated() {
      let served = MultiplierPolicy.served(
        demand: cell.demand, capacity: cell.capacity, elasticity: cell.elasticity, multiplier: cell.multiplier)
      let servedAgainst = MultiplierPolicy.served(
        demand: cell.demand, capacity: cell.capacity, elasticity: cell.elasticity, multiplier: cell.against)
      for group in membership[position] {
        count[group] += 1
        capacity[group] += max(0, cell.capacity)
        bookings[group] += served
        bookingsAgainst[group] += servedAgainst
        gmv[group] += cell.listPrice * cell.multiplier * served
        gmvAgainst[group] += cell.listPrice * cell.against * servedAgainst
      }
    }

    // Draws: per category an elasticity and a level, shared by both tables.
    let categories = Array(Set(cells.map(\.category))).sorted()
    let categoryIndex = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1, $0) })
    let cellCategory = cells.map { categoryIndex[$0.category]! }
    let firstOfCategory = Dictionary(cells.map { ($0.category, $0) }, uniquingKeysWith: { first, _ in first })
    var random = Random(state: uncertainty.seed)
    let draws = max(1, uncertainty.draws)
    var drawnGMV = [[Double]](repeating: [Double](repeating: 0, count: draws), count: groupCount)
    var drawnAgainst = drawnGMV
    var drawnBookings = drawnGMV
    for draw in 0..<draws {
      var elasticity = [Double](repeating: 0, count: categories.count)
      var level = elasticity
      for (index, category) in categories.enumerated() {
        let cell = firstOfCategory[category]!
        let error = cell.elasticityStdError.isFinite ? cell.elasticityStdError : uncertainty.prior_std_error
        elasticity[index] = min(
          max(cell.elasticity + error * random.normal(), uncertainty.elasticity_lower), uncertainty.elasticity_upper)
        level[index] = exp(uncertainty.level_std_error * random.normal())
      }
      for (position, cell) in cells.enumerated() {
        let category = cellCategory[position]
        let demand = cell.demand * level[category]
        let served = MultiplierPolicy.served(
          demand: demand, capacity: cell.capacity, elasticity: elasticity[category], multiplier: cell.multiplier)
        let servedAgainst = MultiplierPolicy.served(
          demand: demand, capacity: cell.capacity, elasticity: elasticity[category], multiplier: cell.against)
        let value = cell.listPrice * cell.multiplier * served
        let valueAgainst = cell.listPrice * cell.against * servedAgainst
        for group in membership[position] {
          drawnGMV[group][draw] += value
          drawnAgainst[group][draw] += valueAgainst
          drawnBookings[group][draw] += served
        }
      }
    }

    func interval(_ values: [Double]) -> Interval {
      let sorted = values.filter(\.isFinite).sorted()
      guard !sorted.isEmpty else { return Interval(low: .nan, high: .nan) }
      func quantile(_ q: Double) -> Double {
        let position = q * Double(sorted.count - 1)
        let low = Int(position.rounded(.down))
        let high = min(sorted.count - 1, low + 1)
        return sorted[low] + (sorted[high] - sorted[low]) * (position - Double(low))
      }
      return Interval(low: quantile(0.05), high: quantile(0.95))
    }
    func ratio(_ a: Double, _ b: Double) -> Double? { b > 0 ? a / b - 1 : nil }
    func lines(_ dimension: Dimension) -> [Line] {
      groupKeys[dimension]!.map { name -> Line in
        let group = groupIndex[dimension]![name]!
        let parts = name.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
        var line = Line(
          category: nil, city: nil, band: nil, currency: parts.last!, cells: count[group], capacity: capacity[group],
          bookings: bookings[group], bookings_against: bookingsAgainst[group], gmv: gmv[group],
          gmv_against: gmvAgainst[group], gmv_change: ratio(gmv[group], gmvAgainst[group]),
          bookings_change: ratio(bookings[group], bookingsAgainst[group]),
          utilisation: capacity[group] > 0 ? bookings[group] / capacity[group] : nil,
          utilisation_against: capacity[group] > 0 ? bookingsAgainst[group] / capacity[group] : nil,
          gmv_interval: interval(drawnGMV[group]),
          gmv_change_interval: gmvAgainst[group] > 0
            ? interval(zip(drawnGMV[group], drawnAgainst[group]).map { $1 > 0 ? $0 / $1 - 1 : .nan }) : nil,
          bookings_interval: interval(drawnBookings[group]))
        switch dimension {
        case .total: break
        case .category: line.category = parts[0]
        case .city: line.city = parts[0]
        case .band: line.band = parts[0]
        }
        return line
      }.sorted { ($0.category ?? $0.city ?? $0.band ?? "", $0.currency) < ($1.category ?? $1.city ?? $1.band ?? "", $1.currency) }
    }

    let total = Double(max(1, cells.count))
    return Estimate(
      against: against, cells: cells.count,
      share_at_floor: Double(cells.filter { $0.multiplier <= bounds.lowerBound + 1e-9 }.count) / total,
      share_at_ceiling: Double(cells.filter { $0.multiplier >= bounds.upperBound - 1e-9 }.count) / total,
      share_held_by_daily_limit: Double(
        cells.filter { $0.binding == MultiplierPolicy.Binding.dailyLimit.rawValue }.count) / total,
      total: lines(.total), by_category: lines(.category), by_city: lines(.city), by_band: lines(.band),
      uncertainty: uncertainty)
  }

  /// SplitMix64 with Box-Muller normals: deterministic for a seed.
  struct Random {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }
    mutating func normal() -> Double { (-2 * log(max(uniform(), 1e-300))).squareRoot() * cos(2 * Double.pi * uniform()) }
  }
}
