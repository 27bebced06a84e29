import CSV
import Foundation
import PricingModel

/// `pricing fit --cells-out FILE`: every history cell the fit saw, with the validation model's prediction,
/// its intervals and both baselines on held-out cells, as CSV (for analysts and `Benchmarks/forecast.sh`).
///
/// Columns: category, city, date, weekday, bookings, capacity, slots, log_price_ratio (empty when the day
/// had no price), southern, events (groups joined by `;`), holdout (1 on held-out days), predicted (the
/// expected recorded bookings), demand (the expected demand), lower_80, upper_80, lower_95, upper_95,
/// baseline, baseline_last_year. Prediction columns are empty on training days.
enum CellsFile {
  /// Checks, before any work, that `path` can be written (`OutputFile.checkDestination`).
  static func checkDestination(_ path: String) throws { try OutputFile.checkDestination(path) }

  /// Writes the file whole or not at all: into a temporary file beside it, renamed over it at the end (a
  /// failed or interrupted fit leaves the previous file as it was).
  static func write(
    path: String, cells: [DemandCell], holdoutStart: CalendarDay, holdout: [DemandCell], predicted: [Double],
    distributions: [PredictiveDistribution], baseline: [Double], lastYear: [Double]?
  ) throws {
    try OutputFile.replace(path) { handle in
      try writeRows(handle, cells: cells, holdoutStart: holdoutStart, holdout: holdout, predicted: predicted,
                    distributions: distributions, baseline: baseline, lastYear: lastYear)
    }
  }

  private static func writeRows(
    _ handle: FileHandle, cells: [DemandCell], holdoutStart: CalendarDay, holdout: [DemandCell], predicted: [Double],
    distributions: [PredictiveDistribution], baseline: [Double], lastYear: [Double]?
  ) throws {
    struct Key: Hashable {
      let category: String
      let city: String
      let day: Int
    }
    var held: [Key: Int] = [:]
    for (index, cell) in holdout.enumerated() { held[Key(category: cell.category, city: cell.city, day: cell.date.daysSinceEpoch)] = index }
    var writer = CSVWriter(lineEnding: "\n")
    writer.record([
      "category", "city", "date", "weekday", "bookings", "capacity", "slots", "log_price_ratio", "southern", "events",
      "holdout", "predicted", "demand", "lower_80", "upper_80", "lower_95", "upper_95", "baseline",
      "baseline_last_year",
    ])
    func number(_ value: Double) -> String? { value.isFinite ? String(value) : nil }
    for cell in cells {
      var row: [String?] = [
        cell.category, cell.city, cell.date.description, String(cell.date.isoWeekday), number(cell.bookings),
        number(cell.capacity), number(cell.slots), cell.logPriceRatio.flatMap(number), cell.southern ? "1" : "0",
        cell.events.isEmpty ? nil : cell.events.joined(separator: ";"),
      ]
      if let index = held[Key(category: cell.category, city: cell.city, day: cell.date.daysSinceEpoch)] {
        let distribution = distributions[index]
        row += [
          "1", number(predicted[index]), number(distribution.mu), number(distribution.quantile(0.1)),
          number(distribution.quantile(0.9)), number(distribution.quantile(0.025)), number(distribution.quantile(0.975)),
          number(baseline[index]), lastYear.flatMap { number($0[index]) },
        ]
      } else {
        row += [cell.date >= holdoutStart ? "1" : "0"] + [String?](repeating: nil, count: 8)
      }
      writer.record(row)
      if writer.output.utf8.count > 1 << 20 { try handle.write(contentsOf: Data(writer.take().utf8)) }
    }
    try handle.write(contentsOf: Data(writer.take().utf8))
  }
}
