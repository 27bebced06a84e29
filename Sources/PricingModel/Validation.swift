import Foundation

/// Accuracy of predictions on held-out cells.
public struct HoldoutMetrics: Sendable, Codable, Equatable {
  /// 1 - sum d(y, mu) / sum d(y, mean y), Poisson unit deviance, predictions floored at 0.001.
  public var deviance_explained: Double
  /// Weighted absolute percentage error: sum |y - mu| / sum y.
  public var wape: Double
  /// sum mu / sum y (1 is calibrated).
  public var calibration: Double
  public var bookings: Double
  public var predicted: Double
}

/// The KDD 2018 price-suggestion metrics on quotes (Ye et al., "Customized Regression Model for Airbnb
/// Dynamic Pricing", KDD 2018), read here with a quote for a night: a quote not booked is evidence the
/// price was too high, a booked one that it was not.
/// - price decrease recall: share of unbooked quotes whose suggested price is below the quoted one;
/// - price decrease precision: share of quotes with a lower suggested price that were not booked;
/// - price increase recall: share of booked quotes whose suggested price is above the quoted one;
/// - price increase precision: share of quotes with a higher suggested price that were booked.
public struct QuoteMetrics: Sendable, Codable, Equatable {
  public var quotes: Double
  public var price_decrease_recall: Double?
  public var price_decrease_precision: Double?
  public var price_increase_recall: Double?
  public var price_increase_precision: Double?
}

/// One held-out week (Monday to Sunday of the cells' dates): bookings against the model and the baseline.
public struct WeeklyHoldout: Sendable, Codable, Equatable {
  /// The Monday, ISO date.
  public var week: String
  public var actual: Double
  public var predicted: Double
  public var baseline: Double
}

public enum Validation {
  /// Sums actual, predicted and baseline bookings by the ISO week of each cell's date, weeks in order.
  public static func byWeek(dates: [CalendarDay], actual: [Double], predicted: [Double], baseline: [Double])
    -> [WeeklyHoldout]
  {
    var sums: [Int: (Double, Double, Double)] = [:]
    for index in dates.indices {
      let monday = dates[index].adding(days: 1 - dates[index].isoWeekday).daysSinceEpoch
      let current = sums[monday] ?? (0, 0, 0)
      sums[monday] = (current.0 + actual[index], current.1 + predicted[index], current.2 + baseline[index])
    }
    return sums.keys.sorted().map { monday in
      let (a, p, b) = sums[monday]!
      return WeeklyHoldout(
        week: CalendarDay(daysSinceEpoch: monday).description, actual: a, predicted: p, baseline: b)
    }
  }

  public static func metrics(actual: [Double], predicted: [Double]) -> HoldoutMetrics {
    let total = actual.reduce(0, +)
    let mean = actual.isEmpty ? 0 : total / Double(actual.count)
    var deviance = 0.0
    var nullDeviance = 0.0
    var absolute = 0.0
    var predictedTotal = 0.0
    for (y, rawMu) in zip(actual, predicted) {
      let mu = max(rawMu, 0.001)
      deviance += GLMFamily.poisson.unitDeviance(y, mu)
      nullDeviance += GLMFamily.poisson.unitDeviance(y, max(mean, 0.001))
      absolute += abs(y - rawMu)
      predictedTotal += rawMu
    }
    return HoldoutMetrics(
      deviance_explained: nullDeviance > 0 ? 1 - deviance / nullDeviance : 0,
      wape: total > 0 ? absolute / total : .infinity, calibration: total > 0 ? predictedTotal / total : .infinity,
      bookings: total, predicted: predictedTotal)
  }

  /// The seasonal-naive baseline: for each held-out cell, the mean bookings of the same category, city
  /// and weekday over the `weeks` weeks before `holdoutStart` (0 when there are none).
  public static func seasonalNaive(training: [DemandCell], holdout: [DemandCell], holdoutStart: CalendarDay, weeks: Int)
    -> [Double]
  {
    struct Key: Hashable {
      let category: String
      let city: String
      let weekday: Int
    }
    let from = holdoutStart.adding(days: -7 * weeks)
    var sums: [Key: (Double, Double)] = [:]
    for cell in training where cell.date >= from && cell.date < holdoutStart {
      let key = Key(category: cell.category, city: cell.city, weekday: cell.date.isoWeekday)
      let current = sums[key] ?? (0, 0)
      sums[key] = (current.0 + cell.bookings, current.1 + 1)
    }
    return holdout.map { cell in
      guard let (sum, count) = sums[Key(category: cell.category, city: cell.city, weekday: cell.date.isoWeekday)],
        count > 0
      else { return 0 }
      return sum / count
    }
  }

  /// The last-year baseline: for each held-out cell, the same category and city 52 weeks earlier (the
  /// mean of that weekday's three days around it, 364 +- 7 days before), scaled by the recent level: the
  /// pair's bookings over the `weeks` weeks before `holdoutStart` against the same weeks a year before.
  /// nil when the history does not reach a year before the holdout's weeks.
  public static func lastYearScaled(training: [DemandCell], holdout: [DemandCell], holdoutStart: CalendarDay, weeks: Int)
    -> [Double]?
  {
    struct Key: Hashable {
      let category: String
      let city: String
    }
    guard let first = training.map(\.date).min(),
      first <= holdoutStart.adding(days: -364 - 7 * weeks)
    else { return nil }
    var daily: [Key: [Int: Double]] = [:]
    for cell in training { daily[Key(category: cell.category, city: cell.city), default: [:]][cell.date.daysSinceEpoch] = cell.bookings }
    let start = holdoutStart.daysSinceEpoch
    var levels: [Key: Double] = [:]
    for (key, days) in daily {
      var recent = 0.0
      var earlier = 0.0
      for offset in 1...(7 * weeks) {
        recent += days[start - offset] ?? 0
        earlier += days[start - offset - 364] ?? 0
      }
      levels[key] = earlier > 0 ? recent / earlier : 1
    }
    return holdout.map { cell in
      let key = Key(category: cell.category, city: cell.city)
      guard let days = daily[key] else { return 0 }
      let day = cell.date.daysSinceEpoch - 364
      let values = [day - 7, day, day + 7].compactMap { $0 < start ? days[$0] : nil }
      guard !values.isEmpty else { return 0 }
      return values.reduce(0, +) / Double(values.count) * (levels[key] ?? 1)
    }
  }

  /// The gate: why the model is rejected against its baselines (empty: accepted). The model must beat each
  /// baseline on both WAPE and deviance explained; a NaN never beats anything.
  public static func gate(model: HoldoutMetrics, baselines: [(name: String, metrics: HoldoutMetrics)]) -> [String] {
    var reasons: [String] = []
    for (name, baseline) in baselines {
      if !(model.wape < baseline.wape) {
        reasons.append(String(format: "holdout WAPE %.4f does not beat the \(name)'s %.4f", model.wape, baseline.wape))
      }
      if !(model.deviance_explained > baseline.deviance_explained) {
        reasons.append(
          String(
            format: "holdout deviance explained %.4f does not beat the \(name)'s %.4f", model.deviance_explained,
            baseline.deviance_explained))
      }
    }
    return reasons
  }

  /// sum of predicted / sum of actual per group.
  public static func calibration(_ groups: [String], actual: [Double], predicted: [Double]) -> [String: Double] {
    var sums: [String: (Double, Double)] = [:]
    for (index, group) in groups.enumerated() {
      let current = sums[group] ?? (0, 0)
      sums[group] = (current.0 + predicted[index], current.1 + actual[index])
    }
    return sums.mapValues { $0.1 > 0 ? $0.0 / $0.1 : .infinity }
  }

  /// Booking regret (Airbnb KDD 2018): the median over bookings of max(0, (P - P_suggested) / P), P the
  /// price paid. Here per cell: P = the cell's charged / list ratio, P_suggested = the suggested
  /// multiplier, each cell weighted by its bookings.
  public static func bookingRegret(_ cells: [(charged: Double, suggested: Double, bookings: Double)]) -> Double? {
    let values = cells.filter { $0.bookings > 0 && $0.charged > 0 }
      .map { (max(0, ($0.charged - $0.suggested) / $0.charged), $0.bookings) }
      .sorted { $0.0 < $1.0 }
    let total = values.reduce(0) { $0 + $1.1 }
    guard total > 0 else { return nil }
    var running = 0.0
    for (value, weight) in values {
      running += weight
      if running >= total / 2 { return value }
    }
    return values.last?.0
  }

  public static func quoteMetrics(_ quotes: [(quoted: Double, suggested: Double, booked: Bool, count: Double)])
    -> QuoteMetrics
  {
    var total = 0.0
    var unbooked = 0.0
    var booked = 0.0
    var lower = 0.0
    var higher = 0.0
    var lowerUnbooked = 0.0
    var higherBooked = 0.0
    for quote in quotes {
      total += quote.count
      let suggestsLower = quote.suggested < quote.quoted - 1e-9
      let suggestsHigher = quote.suggested > quote.quoted + 1e-9
      if quote.booked { booked += quote.count } else { unbooked += quote.count }
      if suggestsLower {
        lower += quote.count
        if !quote.booked { lowerUnbooked += quote.count }
      }
      if suggestsHigher {
        higher += quote.count
        if quote.booked { higherBooked += quote.count }
      }
    }
    func ratio(_ a: Double, _ b: Double) -> Double? { b > 0 ? a / b : nil }
    return QuoteMetrics(
      quotes: total, price_decrease_recall: ratio(lowerUnbooked, unbooked),
      price_decrease_precision: ratio(lowerUnbooked, lower), price_increase_recall: ratio(higherBooked, booked),
      price_increase_precision: ratio(higherBooked, higher))
  }
}
