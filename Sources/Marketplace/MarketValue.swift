import Foundation
import Postgres
import PricingModel

/// A price table judged under a seeded market's true demand (`pricing evaluate`, Benchmarks/pricing-value.sh):
/// its expected GMV against flat list prices and against the oracle, the best multiplier per category,
/// city, band and day within the same bounds with the true parameters (`MultiplierPolicy.gmvOptimum`).
///
/// Expected, not realised: served = min(demand x m^e, capacity) per band, GMV = list price x m x served.
/// Lines are per category and currency (money is never added across currencies), with a total per
/// currency.
public enum MarketValue {
  public struct Line: Sendable, Equatable, Codable {
    /// Nil on a currency's total.
    public var category: String?
    public var currency: String
    public var gmv: Double
    public var gmv_flat: Double
    public var gmv_oracle: Double
    public var bookings: Double
    public var bookings_flat: Double
    /// gmv / gmv_flat - 1, and the oracle's.
    public var lift: Double
    public var oracle_lift: Double
    /// (gmv - flat) / (oracle - flat): the share of the available lift the table earns (nil when the oracle
    /// earns nothing over flat prices).
    public var capture: Double?
  }

  public struct Evaluation: Sendable, Equatable, Codable {
    public var cells: Int
    /// Cells of the true market the table does not price (counted at list price).
    public var missing: Int
    public var lines: [Line]
    /// The lowest capture over the currencies' totals, and the worst category's lift against flat prices.
    public var min_capture: Double?
    public var worst_category_lift: Double?
  }

  /// Judges `table` (keyed `category|city|band|date`; a missing cell counts at list price).
  public static func evaluate(
    _ cells: [MarketplaceGenerator.TrueBandCell], table: [String: Double], bounds: ClosedRange<Double>
  ) -> Evaluation {
    struct Sums {
      var gmv = 0.0, flat = 0.0, oracle = 0.0, bookings = 0.0, bookingsFlat = 0.0
    }
    var byCategory: [String: Sums] = [:]
    var byCurrency: [String: Sums] = [:]
    var missing = 0
    for cell in cells {
      let key = "\(cell.category)|\(cell.city)|\(cell.band)|\(cell.date)"
      let multiplier: Double
      if let value = table[key] {
        multiplier = value
      } else {
        multiplier = 1
        missing += 1
      }
      func served(_ m: Double) -> Double {
        MultiplierPolicy.served(demand: cell.demand, capacity: cell.capacity, elasticity: cell.elasticity, multiplier: m)
      }
      let oracle =
        cell.capacity > 0
        ? MultiplierPolicy.gmvOptimum(
          pressure: cell.demand / cell.capacity, elasticity: cell.elasticity, bounds: bounds, maxUtilisation: nil,
          minVolumeRatio: 0
        ).multiplier : 1
      var sums = Sums()
      sums.gmv = cell.listPrice * multiplier * served(multiplier)
      sums.flat = cell.listPrice * served(1)
      sums.oracle = cell.listPrice * oracle * served(oracle)
      sums.bookings = served(multiplier)
      sums.bookingsFlat = served(1)
      for (key, dictionary) in [("\(cell.category)\u{1F}\(cell.currency)", 0), (cell.currency, 1)] {
        func add(_ total: inout Sums) {
          total.gmv += sums.gmv
          total.flat += sums.flat
          total.oracle += sums.oracle
          total.bookings += sums.bookings
          total.bookingsFlat += sums.bookingsFlat
        }
        if dictionary == 0 { add(&byCategory[key, default: Sums()]) } else { add(&byCurrency[key, default: Sums()]) }
      }
    }
    func line(category: String?, currency: String, _ sums: Sums) -> Line {
      let gain = sums.oracle - sums.flat
      return Line(
        category: category, currency: currency, gmv: sums.gmv, gmv_flat: sums.flat, gmv_oracle: sums.oracle,
        bookings: sums.bookings, bookings_flat: sums.bookingsFlat,
        lift: sums.flat > 0 ? sums.gmv / sums.flat - 1 : 0, oracle_lift: sums.flat > 0 ? sums.oracle / sums.flat - 1 : 0,
        capture: gain > 1e-9 * max(1, sums.flat) ? (sums.gmv - sums.flat) / gain : nil)
    }
    let categoryLines = byCategory.map { key, sums -> Line in
      let parts = key.split(separator: "\u{1F}").map(String.init)
      return line(category: parts[0], currency: parts[1], sums)
    }.sorted { ($0.category ?? "", $0.currency) < ($1.category ?? "", $1.currency) }
    let totals = byCurrency.map { line(category: nil, currency: $0.key, $0.value) }.sorted { $0.currency < $1.currency }
    return Evaluation(
      cells: cells.count, missing: missing, lines: totals + categoryLines,
      min_capture: totals.compactMap(\.capture).min(), worst_category_lift: categoryLines.map(\.lift).min())
  }
}
