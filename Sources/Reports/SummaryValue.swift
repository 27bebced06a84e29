/// One row of the `summary` table (`summary.csv`): a measure, its currency for money, and the three weeks'
/// values and changes, as the page and `summary.json` show them.
struct SummaryValue {
  let measure: String
  /// Empty for counts and rates.
  let currency: String
  /// `relative` (this / other - 1) or `points` (this - other).
  let changeType: String
  let thisWeek: Double?
  let previous: Double?
  let yearAgo: Double?
  let changeVsPrevious: Double?
  let changeVsYearAgo: Double?

  var isRelative: Bool { changeType == "relative" }
  var isRate: Bool { !isRelative }

  /// Every row of the table, in its order.
  static func rows(of table: ReportTable) -> [SummaryValue] {
    func index(_ name: String) -> Int? { table.column(name) }
    let columns = [
      "measure", "currency", "change_type", "this_week", "previous_week", "year_ago_week", "change_vs_previous",
      "change_vs_year_ago",
    ].map(index)
    return table.rows.map { row in
      func text(_ position: Int) -> String { columns[position].flatMap { row[$0] } ?? "" }
      func number(_ position: Int) -> Double? { columns[position].flatMap { row[$0] }.flatMap(ReportTable.number) }
      return SummaryValue(
        measure: text(0), currency: text(1), changeType: text(2), thisWeek: number(3), previous: number(4),
        yearAgo: number(5), changeVsPrevious: number(6), changeVsYearAgo: number(7))
    }
  }

  /// The value as the page prints it: rates as percentages, money with two decimals, counts whole, all
  /// with thousands separators; "n/a" when the week has no value (no bookings).
  func format(_ value: Double?) -> String {
    guard let value, value.isFinite else { return "n/a" }
    if isRate { return SummaryValue.grouped(value * 100, decimals: 1) + "%" }
    if measure == "mean_multiplier" { return SummaryValue.grouped(value, decimals: 3) }
    if measure == "bookings" { return SummaryValue.grouped(value, decimals: 0) }
    return SummaryValue.grouped(value, decimals: 2)
  }

  /// "+5.2% (from 1,234)", "-1.3 points (from 12.0%)", or "n/a" with the reason.
  func change(_ change: Double?, other: Double?) -> String {
    if thisWeek == nil || (measure == "bookings" && thisWeek == 0) {
      return measure == "utilisation" && thisWeek == nil ? "n/a (no capacity)" : "n/a (no bookings this week)"
    }
    guard let other, other.isFinite, !(measure == "bookings" && other == 0) else {
      return measure == "utilisation" ? "n/a (no capacity)" : "n/a (no bookings that week)"
    }
    guard let change, change.isFinite else { return "n/a (from \(format(other)))" }
    let sign = change > 0 ? "+" : change < 0 ? "-" : "±"
    let magnitude =
      isRelative
      ? SummaryValue.grouped(abs(change) * 100, decimals: 1) + "%"
      : SummaryValue.grouped(abs(change) * 100, decimals: 1) + " points"
    return "\(sign)\(magnitude) (from \(format(other)))"
  }

  /// `1234567.891` -> "1,234,567.89" (decimals 2); the minus sign as a hyphen-minus.
  static func grouped(_ value: Double, decimals: Int) -> String {
    let text = String(format: "%.\(decimals)f", abs(value))
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    var integer = String(parts[0])
    var groups: [String] = []
    while integer.count > 3 {
      groups.insert(String(integer.suffix(3)), at: 0)
      integer.removeLast(3)
    }
    groups.insert(integer, at: 0)
    let fraction = parts.count > 1 ? "." + parts[1] : ""
    let negative = value < 0 && text.contains(where: { $0 != "0" && $0 != "." })
    return (negative ? "-" : "") + groups.joined(separator: ",") + fraction
  }
}
