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
      let values = SummaryValue.rows(of: table)
      if (values.first { $0.measure == "bookings" }?.yearAgo ?? 0) == 0 {
        html.element(
          "p", ["class": "note"],
          text: "No bookings in the same week a year earlier: the year-on-year changes read n/a.")
      }
      html.element("ul", ["class": "cards"]) { list in
        for (measure, label) in HTMLReportRenderer.summaryMeasures {
          let lines = values.filter { $0.measure == measure }
          guard !lines.isEmpty else { continue }
          list.element("li", ["class": "card"]) { card in
            card.element("h3", text: label)
            for value in lines { render(value, into: &card) }
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
