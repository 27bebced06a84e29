import Foundation

/// Budgeted price exploration (`ExplorationConfig`): moves the multipliers of a random share of the
/// category x city x day cells by a random factor, one factor per cell and day for all its bands (one price
/// for every customer of a band), inside each band's bounds and daily-change limit, within a budget on the
/// expected GMV it costs under the fitted model.
///
/// The draw of a cell and day depends on the seed, the category, the city and the date alone: every run
/// draws the same factor for it (a day is priced by the same experiment whichever night's table serves it).
/// A draw that would leave a band's allowed range is reflected (the move's sign flips), then clamped; where the
/// served price is an earlier move, the daily-change limit around it can force a move without a draw (the
/// policy's own price is held against the served one without its move, so a day keeps its experiment). The
/// budget scales every log factor by one k in (0, 1] until the cost is at most `maxCost` of the expected
/// GMV in every currency. Overridden cells and cells without capacity are never explored. A category whose
/// elasticity is already known to within `Elasticity.targetStdError` moves less (`uncertaintyScale`).
public enum PriceExploration {
  /// What a run's exploration did (stored with the run's metrics and shown by `model show`).
  public struct Summary: Sendable, Equatable, Codable {
    public var share: Double
    public var max_perturbation: Double
    public var max_cost: Double
    public var seed: UInt64
    /// How the factor is drawn.
    public var distribution: String
    /// Cells (category x city x day) priced, and explored (a factor other than 1).
    public var cells: Int
    public var explored_cells: Int
    /// The common scale of the log factors the budget imposed (1: the budget did not bind).
    public var scale: Double
    /// Expected GMV of the table and the exploration's expected cost, per currency (the worst share first).
    public var costs: [Cost]
    /// Mean absolute relative change exploration makes to a multiplier (over all priced candidates).
    public var mean_absolute_change: Double

    public struct Cost: Sendable, Equatable, Codable {
      public var currency: String
      public var expected_gmv: Double
      public var expected_cost: Double
      public var cost_share: Double
    }

    /// The largest cost share over the currencies.
    public var worstCostShare: Double { costs.map(\.cost_share).max() ?? 0 }
  }

  /// One cell's draw: its log factor before the ranges and the budget (0: not explored), moves up to
  /// `maxPerturbation` (`config.maxPerturbation` for the bounds' width).
  public static func draw(
    seed: UInt64, category: String, city: String, date: CalendarDay, config: ExplorationConfig,
    maxPerturbation: Double = ExplorationConfig.defaultMaxPerturbation
  ) -> Double {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325 ^ seed
    for byte in "\(category)\u{1F}\(city)\u{1F}\(date.daysSinceEpoch)".utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x0000_0100_0000_01B3
    }
    func next() -> Double {
      hash &+= 0x9E37_79B9_7F4A_7C15
      var z = hash
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return Double((z ^ (z >> 31)) >> 11) * 0x1.0p-53
    }
    guard next() < config.share else { return 0 }
    let width = log(1 + (config.max_perturbation ?? maxPerturbation))
    return (2 * next() - 1) * width
  }

  /// The candidates with exploration applied (factor `exploration` set on every candidate it moved), and the
  /// summary. `bounds` are the policy's bounds, `ranges` each candidate's allowed range (the bounds and the
  /// daily-change limit around the served multiplier). A cell and day the served table already prices keeps
  /// the factor it was served with (`servedFactors`, 1 where it was not explored): customers who booked it
  /// earlier and later saw the same experiment, and a day's factor is the one the fit reads back.
  static func apply(
    _ candidates: [CandidateMultiplier], config: ExplorationConfig, bounds: ClosedRange<Double>,
    served: Set<String> = [], servedFactors: [String: Double] = [:], ranges: (CandidateMultiplier) -> ClosedRange<Double>
  ) -> (candidates: [CandidateMultiplier], summary: Summary) {
    let maxPerturbation = config.maxPerturbation(boundsWidth: bounds.upperBound - bounds.lowerBound)
    // Cells: the candidates of each category x city x day.
    var cellOrder: [String] = []
    var cells: [String: [Int]] = [:]
    for (index, candidate) in candidates.enumerated() {
      let key = "\(candidate.category)|\(candidate.city)|\(candidate.date)"
      if cells[key] == nil { cellOrder.append(key) }
      cells[key, default: []].append(index)
    }
    // Each cell's move: its draw, reflected into (then clamped to) the log range the bounds leave all its
    // bands around their multipliers (it holds 0: the multipliers are within the bounds).
    var planned: [(indices: [Int], raw: Double, low: Double, high: Double)] = []
    var frozen: [Int: Double] = [:]
    for key in cellOrder {
      let indices = cells[key]!.filter {
        candidates[$0].factors.overrides == nil && candidates[$0].factors.capacity > 0 && candidates[$0].multiplier > 0
      }
      guard let first = indices.first.map({ candidates[$0] }) else { continue }
      if indices.contains(where: { served.contains(candidates[$0].key) }) {
        for index in indices {
          if let factor = servedFactors[candidates[index].key], factor > 0 { frozen[index] = log(factor) }
        }
        continue
      }
      guard config.share > 0, maxPerturbation > 0 else { continue }
      let raw =
        draw(
          seed: config.seed, category: first.category, city: first.city, date: first.date, config: config,
          maxPerturbation: maxPerturbation)
        * uncertaintyScale(first.factors.elasticity_se)
      guard raw != 0 else { continue }
      let low = min(0, indices.map { log(bounds.lowerBound / candidates[$0].multiplier) }.max()!)
      let high = max(0, indices.map { log(bounds.upperBound / candidates[$0].multiplier) }.min()!)
      planned.append((indices, raw > high || raw < low ? -raw : raw, low, high))
    }
    /// A planned cell's log factor at a scale of the draws.
    func logFactor(_ cell: (indices: [Int], raw: Double, low: Double, high: Double), _ scale: Double) -> Double {
      min(max(scale * cell.raw, cell.low), cell.high)
    }
    // The budget: expected GMV cost per currency under the model, at a common scale of the log factors.
    func costs(scale: Double) -> [Summary.Cost] {
      var gmv: [String: Double] = [:]
      var cost: [String: Double] = [:]
      for candidate in candidates {
        guard let currency = candidate.factors.currency, let price = candidate.factors.list_price else { continue }
        gmv[currency, default: 0] += price * candidate.multiplier * servedAt(candidate, candidate.multiplier)
      }
      // In the candidates' order, so that the sums (and the scale) are the same in every process.
      var moves = frozen.sorted { $0.key < $1.key }.map { (index: $0.key, logFactor: $0.value) }
      for cell in planned { moves += cell.indices.map { ($0, logFactor(cell, scale)) } }
      for move in moves {
        let candidate = candidates[move.index]
        guard let currency = candidate.factors.currency, let price = candidate.factors.list_price else { continue }
        let moved = candidate.multiplier * exp(move.logFactor)
        let before = price * candidate.multiplier * servedAt(candidate, candidate.multiplier)
        let after = price * moved * servedAt(candidate, moved)
        cost[currency, default: 0] += before - after
      }
      return gmv.keys.sorted().map { currency in
        let total = gmv[currency] ?? 0
        let spent = cost[currency] ?? 0
        return Summary.Cost(
          currency: currency, expected_gmv: total, expected_cost: spent, cost_share: total > 0 ? spent / total : 0)
      }.sorted { $0.cost_share > $1.cost_share }
    }
    var scale = 1.0
    var spent = costs(scale: scale)
    for _ in 0..<20 {
      let worst = spent.first?.cost_share ?? 0
      guard worst > config.max_cost else { break }
      // The cost is about quadratic in the scale near an optimum and linear at a bound: step by the root,
      // then tighten.
      scale *= max(0.05, min(0.9, (config.max_cost / worst).squareRoot()))
      spent = costs(scale: scale)
    }
    if (spent.first?.cost_share ?? 0) > config.max_cost {
      scale = 0
      spent = costs(scale: 0)
    }
    var result = candidates
    var change = 0.0
    // Every candidate at its move, then within its allowed range: the daily-change limit holds the explored
    // multiplier against the served one (a cell and day drawn the same in both tables keep their price; a
    // served move this run does not repeat comes back by the limit, and is logged as exploration too).
    var factors = [Double](repeating: 1, count: candidates.count)
    for (index, logFactor) in frozen { factors[index] = exp(logFactor) }
    for cell in planned {
      let factor = exp(logFactor(cell, scale))
      for index in cell.indices { factors[index] = factor }
    }
    var exploredCells = Set<String>()
    for index in result.indices {
      guard result[index].factors.overrides == nil, result[index].factors.capacity > 0, result[index].multiplier > 0 else {
        continue
      }
      let range = ranges(result[index])
      let moved = min(
        max((result[index].multiplier * factors[index] * 10_000).rounded() / 10_000, range.lowerBound), range.upperBound)
      guard moved != result[index].multiplier else { continue }
      exploredCells.insert("\(result[index].category)|\(result[index].city)|\(result[index].date)")
      change += abs(moved / result[index].multiplier - 1)
      result[index].factors.exploration = moved / result[index].multiplier
      result[index].multiplier = moved
    }
    let summary = Summary(
      share: config.share, max_perturbation: maxPerturbation, max_cost: config.max_cost, seed: config.seed,
      distribution: String(
        format: "log-uniform on [-log(%.4g), log(%.4g)] for a share %.4g of cells", 1 + maxPerturbation,
        1 + maxPerturbation, config.share),
      cells: cellOrder.count, explored_cells: exploredCells.count, scale: scale, costs: spent,
      mean_absolute_change: candidates.isEmpty ? 0 : change / Double(candidates.count))
    return (result, summary)
  }

  /// The share of `max_perturbation` a category's moves use: all of it while its elasticity is the prior or
  /// its standard error is above `Elasticity.targetStdError`, shrinking with the standard error below it,
  /// to `learnedScale` at a quarter of it: a category explores while it is uncertain and keeps a little
  /// exploration once learned (to follow a change).
  public static func uncertaintyScale(_ standardError: Double?) -> Double {
    guard let standardError, standardError.isFinite else { return 1 }
    return min(1, max(learnedScale, standardError / Elasticity.targetStdError))
  }

  /// The smallest share of `max_perturbation` a learned category explores with.
  public static let learnedScale = 0.25

  private static func servedAt(_ candidate: CandidateMultiplier, _ multiplier: Double) -> Double {
    MultiplierPolicy.served(
      demand: candidate.factors.band_demand ?? 0, capacity: candidate.factors.band_capacity ?? 0,
      elasticity: candidate.factors.elasticity, multiplier: multiplier)
  }
}
