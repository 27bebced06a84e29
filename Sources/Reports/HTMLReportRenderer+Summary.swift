import Postgres

extension HTMLReportRenderer {
  /// The measures of the summary in page order, with their names on the page.
  static let summaryMeasures: [(measure: String, label: String)] = [
    ("bookings", "Bookings"), ("completion_rate", "Completion rate"), ("cancellation_rate", "Cancellation rate"),
    ("utilisation", "Utilisation"), ("mean_multiplier", "Mean multiplier paid"), ("gmv", "GMV"),
    ("net_revenue", "Net revenue"), ("refunds", "Refunds"),
  ]

  /// The first screen: the summary cards, the "Needs attention" list and the summary's numbers as a
  /// folded table. Cards wrap to the width of the screen, so a phone never scrolls sideways.
  func renderSummary(_ report: Report, into html: inout HTMLBuilder) {
    html.element("section", ["id": "summary", "aria-labelledby": "summary-heading"]) { html in
      html.element("h2", ["id": "summary-heading"], text: "Summary")
      renderAttention(report.attention, into: &html)
      guard let week = report.period.lastCompleteWeek else {
        html.element(
          "p", ["class": "empty"],
          text:
            "The period \(report.period) holds no complete week (Monday to Sunday), so there is nothing to compare: choose a period that contains a whole week from a Monday to a Sunday."
        )
        return
      }
      let table = report["summary"]
      html.element("p", ["class": "intro"]) { paragraph in
        paragraph.text(
          "The week of \(week) to \(week.adding(days: 6)) against the week before (from \(week.adding(days: -7))) and the same week a year earlier (from \(week.adding(days: -364))). "
        )
        paragraph.text("Partial weeks at either end of the period are left out. Money is shown per currency.")
      }
      guard let table, !table.isEmpty else {
        html.element("p", ["class": "empty"], text: "No bookings in these weeks.")
        return
      }
      let yearAgoBookings = SummaryValue(table: table, measure: "bookings", currency: "")?.yearAgo ?? 0
      if yearAgoBookings == 0 {
        html.element(
          "p", ["class": "note"],
          text: "No bookings in the same week a year earlier: the year-on-year changes read n/a.")
      }
      html.element("ul", ["class": "cards"]) { list in
        for (measure, label) in HTMLReportRenderer.summaryMeasures {
          let values = table.rows.indices.compactMap { index -> SummaryValue? in
            guard table.texts("measure")[index] == measure else { return nil }
            return SummaryValue(table: table, row: index)
          }
          guard !values.isEmpty else { continue }
          list.element("li", ["class": "card"]) { card in
            card.element("h3", text: label)
            for value in values { render(value, into: &card) }
          }
        }
      }
      html.element("details") { details in
        details.element("summary", text: "The summary's numbers as a table")
        render(table, into: &details)
      }
      html.element("p", ["class": "more"]) { paragraph in
        paragraph.text("The same numbers: ")
        paragraph.element("a", ["href": "summary.csv"], text: "summary.csv")
        paragraph.text(", ")
        paragraph.element("a", ["href": "summary.json"], text: "summary.json")
        paragraph.text(" (with the attention list).")
      }
    }
  }

  private func renderAttention(_ items: [AttentionItem], into html: inout HTMLBuilder) {
    html.element("div", ["id": "attention", "class": items.isEmpty ? "attention ok" : "attention"]) { html in
      html.element("h3", text: items.isEmpty ? "Nothing needs attention" : "Needs attention (\(items.count))")
      guard !items.isEmpty else {
        html.element(
          "p",
          text:
            "None of the checked conditions holds: a failed pipeline run, a rejected fit, a refused publish, no prices served, prices at their floor, a quarantine spike, stale ingest, a holiday calendar running out."
        )
        return
      }
      html.element("ul") { list in
        for item in items {
          list.element("li") { entry in
            entry.text(item.message + " ")
            entry.element("a", ["href": "#\(item.section)"], text: "Details")
          }
        }
      }
    }
  }

  private func render(_ value: SummaryValue, into html: inout HTMLBuilder) {
    html.element("p", ["class": "figure"]) { line in
      if !value.currency.isEmpty { line.element("span", ["class": "currency"], text: value.currency + " ") }
      line.element("span", ["class": "value"], text: value.format(value.thisWeek))
    }
    html.element("p", ["class": "delta"]) { line in
      line.text("vs previous week: " + value.change(value.changeVsPrevious, other: value.previous))
      line.void("br")
      line.text("vs a year ago: " + value.change(value.changeVsYearAgo, other: value.yearAgo))
    }
  }
}

/// One row of the `summary` table as the page shows it.
struct SummaryValue {
  let measure: String
  let currency: String
  let isRate: Bool
  let isRelative: Bool
  let thisWeek: Double?
  let previous: Double?
  let yearAgo: Double?
  let changeVsPrevious: Double?
  let changeVsYearAgo: Double?

  init(table: ReportTable, row: Int) {
    func number(_ column: String) -> Double? { table.numbers(column)[row] }
    measure = table.texts("measure")[row]
    currency = table.texts("currency")[row]
    isRelative = table.texts("change_type")[row] == "relative"
    isRate = !isRelative
    thisWeek = number("this_week")
    previous = number("previous_week")
    yearAgo = number("year_ago_week")
    changeVsPrevious = number("change_vs_previous")
    changeVsYearAgo = number("change_vs_year_ago")
  }

  init?(table: ReportTable, measure: String, currency: String) {
    let measures = table.texts("measure")
    let currencies = table.texts("currency")
    guard let row = measures.indices.first(where: { measures[$0] == measure && currencies[$0] == currency }) else {
      return nil
    }
    self.init(table: table, row: row)
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
