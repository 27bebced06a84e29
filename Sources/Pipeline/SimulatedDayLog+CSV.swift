import CSV
import Foundation

extension SimulatedDayLog {
  /// The days as one CSV: a row per day; per currency its charged GMV and the serving table's expected,
  /// flat and oracle GMV, capture and expected GMV without exploration; per category the elasticity priced
  /// with, its standard error (empty for the prior), its source, the truth, the explored days and the days
  /// still needed.
  public static func csv(_ days: [SimulatedDayLog]) -> String {
    let currencies = Set(days.flatMap { $0.value.map(\.currency) + $0.gmv.keys }).sorted()
    let categories = Set(days.flatMap { $0.elasticities.map(\.category) }).sorted()
    func number(_ value: Double?) -> String? { value.map { String(format: "%.6g", $0) } }
    var writer = CSVWriter(lineEnding: "\n")
    var header = [
      "day", "refit", "run_id", "run_status", "run_exit_code", "serving_run_id", "serving_version_id", "bookings",
      "explored_cells", "exploration_cost_share", "seconds",
    ]
    for currency in currencies {
      header += [
        "gmv.\(currency)", "expected_gmv.\(currency)", "flat_gmv.\(currency)", "oracle_gmv.\(currency)",
        "capture.\(currency)", "unexplored_gmv.\(currency)",
      ]
    }
    for category in categories {
      header += [
        "elasticity.\(category)", "se.\(category)", "source.\(category)", "truth.\(category)",
        "explored_days.\(category)", "days_needed.\(category)",
      ]
    }
    writer.record(header)
    for day in days {
      var row: [String?] = [
        day.day, day.refit ? "true" : "false", day.run_id.map(String.init), day.run_status, String(day.run_exit_code),
        day.serving_run_id.map(String.init), day.serving_version_id.map(String.init), String(day.bookings),
        day.explored_cells.map(String.init), number(day.exploration_cost_share), number(day.seconds),
      ]
      for currency in currencies {
        let value = day.value.first { $0.currency == currency }
        row += [
          number(day.gmv[currency] ?? 0), number(value?.gmv), number(value?.gmv_flat), number(value?.gmv_oracle),
          number(value?.capture), number(value?.gmv_unexplored),
        ]
      }
      for category in categories {
        let elasticity = day.elasticities.first { $0.category == category }
        row += [
          number(elasticity?.estimate), number(elasticity?.std_error), elasticity?.source, number(elasticity?.truth),
          elasticity?.explored_days.map(String.init), elasticity?.days_needed.map(String.init),
        ]
      }
      writer.record(row)
    }
    return writer.take()
  }
}
