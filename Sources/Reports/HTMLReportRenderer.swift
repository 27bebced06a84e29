import Postgres

/// Renders a computed report as one self-contained HTML file: inline CSS and SVG, no scripts, no
/// external requests (links only to the CSV files beside it), printable, and every value escaped. The page
/// opens on the summary (the last complete week against the week before and a year earlier) and the
/// "Needs attention" list, then a table of contents and the sections. Pure: no database, no files.
public struct HTMLReportRenderer {
  public let sections: [ReportSectionSpec]

  public init(sections: [ReportSectionSpec] = ReportCatalog.sections) {
    self.sections = sections
  }

  public static let title = "Marketplace pricing and analytics report"

  public func render(_ report: Report) -> String {
    HTMLBuilder.page(title: "\(HTMLReportRenderer.title), \(report.period)", css: HTMLReportRenderer.css) { body in
      body.element("header") { header in
        header.element("h1", text: HTMLReportRenderer.title)
        header.element("p", ["class": "meta"]) { meta in
          meta.text(
            "Slot dates \(report.period.from) to \(report.period.to) (\(report.period.days) day\(report.period.days == 1 ? "" : "s")). ")
          meta.text("Generated \(report.generatedAt) UTC from database \(report.database). ")
          meta.text("Every table is also a CSV file in this folder.")
          if let link = report.archiveLink {
            meta.text(" ")
            meta.element("a", ["href": link], text: "Earlier reports")
            meta.text(".")
          }
        }
      }
      renderSummary(report, into: &body)
      renderContents(into: &body)
      body.element("main") { main in
        for section in sections { render(section, report, into: &main) }
      }
    }
  }

  // MARK: - Parts

  private func renderContents(into html: inout HTMLBuilder) {
    html.element("nav", ["class": "toc", "aria-label": "Contents"]) { nav in
      nav.element("h2", text: "Contents")
      nav.element("ol") { list in
        for section in sections {
          list.element("li") { item in
            item.element("a", ["href": "#\(section.id)"], text: section.title)
          }
        }
      }
    }
  }

  private func render(_ section: ReportSectionSpec, _ report: Report, into html: inout HTMLBuilder) {
    html.element("section", ["id": section.id, "aria-labelledby": "\(section.id)-heading"]) { html in
      html.element("h2", ["id": "\(section.id)-heading"], text: section.title)
      html.element("p", ["class": "intro"], text: section.intro)
      for (index, block) in section.blocks.enumerated() {
        switch block {
        case .table(let id):
          guard let table = report[id] else { continue }
          render(table, into: &html)
        case .chart(let chart):
          guard let table = report[chart.spec.table], !table.isEmpty else { continue }
          render(chart, table, period: report.period, id: "\(section.id)-chart-\(index)", into: &html)
        }
      }
    }
  }

  /// Tables longer than this show their first `foldedRows` rows and fold the rest under `<details>`.
  static let foldedRows = 10

  func render(_ table: ReportTable, into html: inout HTMLBuilder) {
    html.element("div", ["class": "table", "id": "table-\(table.spec.id)"]) { html in
      html.element("h3", text: table.spec.title)
      guard !table.isEmpty else {
        html.element(
          "p", ["class": "empty"], text: table.spec.usesPeriod ? "No data for this period." : "No data yet.")
        return
      }
      let numeric = table.columns.indices.map { column in
        table.rows.allSatisfy { row in row[column].map(ReportTable.isPlainNumber) ?? true }
      }
      let shown = table.rows.prefix(table.spec.htmlRowLimit)
      let folds = shown.count > HTMLReportRenderer.foldedRows + 2
      let visible = folds ? shown.prefix(HTMLReportRenderer.foldedRows) : shown
      html.element("table") { html in
        html.element("caption") { caption in
          caption.text(table.spec.caption + " ")
          caption.element("a", ["href": "\(table.spec.id).csv"], text: "\(table.spec.id).csv")
        }
        renderHead(table, numeric: numeric, into: &html)
        renderRows(visible, numeric: numeric, into: &html)
      }
      if folds {
        let rest = shown.dropFirst(HTMLReportRenderer.foldedRows)
        html.element("details") { details in
          details.element("summary", text: "Show the other \(rest.count) rows")
          details.element("table", ["aria-label": "\(table.spec.title), continued"]) { html in
            renderHead(table, numeric: numeric, into: &html)
            renderRows(rest, numeric: numeric, into: &html)
          }
        }
      }
      if table.rows.count > table.spec.htmlRowLimit {
        html.element(
          "p", ["class": "more"],
          text:
            "The page shows the first \(table.spec.htmlRowLimit) of \(table.rows.count) rows; \(table.spec.id).csv has all of them."
        )
      }
    }
  }

  private func renderHead(_ table: ReportTable, numeric: [Bool], into html: inout HTMLBuilder) {
    html.element("thead") { head in
      head.element("tr") { row in
        for (index, column) in table.columns.enumerated() {
          row.element("th", ["scope": "col", "class": numeric[index] ? "num" : nil], text: column)
        }
      }
    }
  }

  private func renderRows(_ rows: ArraySlice<[String?]>, numeric: [Bool], into html: inout HTMLBuilder) {
    html.element("tbody") { body in
      for values in rows {
        body.element("tr") { row in
          for (index, value) in values.enumerated() {
            row.element("td", ["class": numeric[index] ? "num" : nil], text: UntrustedText.truncated(value ?? ""))
          }
        }
      }
    }
  }

  private func render(
    _ chart: ReportChart, _ table: ReportTable, period: ReportPeriod, id: String, into html: inout HTMLBuilder
  ) {
    var partialLabels: [String] = []
    switch chart.spec {
    case .bars(_, let label, let value, let title, let description):
      BarChart(labels: table.texts(label), values: table.numbers(value), valueTexts: table.texts(value))
        .render(into: &html, id: id, title: title, description: description)
    case .lines(_, let x, let series, let title, let description):
      let labels = table.texts(x)
      let partial = labels.map { HTMLReportRenderer.isPartial($0, axis: chart.axis, period: period) }
      partialLabels = zip(labels, partial).filter(\.1).map(\.0)
      LineChart(
        xLabels: labels, series: series.map { LineChart.Series(name: $0, values: table.numbers($0)) },
        partial: partial
      ).render(into: &html, id: id, title: title, description: description)
    case .heatMap(_, let row, let column, let value, let splitBy, let midpoint, let title, let description):
      var rows = table.texts(row)
      let marked = Set(rows.filter { HTMLReportRenderer.isPartial($0, axis: chart.axis, period: period) })
      partialLabels = rows.filter { marked.contains($0) }.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
      rows = rows.map { marked.contains($0) ? "\($0) (partial)" : $0 }
      let columns = table.texts(column)
      let values = table.numbers(value)
      let texts = table.texts(value)
      if let splitBy {
        let groups = table.texts(splitBy)
        var seen: [String] = []
        for group in groups where !seen.contains(group) { seen.append(group) }
        for (number, group) in seen.enumerated() {
          let indices = groups.indices.filter { groups[$0] == group }
          HeatMap(
            rowLabels: indices.map { rows[$0] }, columnLabels: indices.map { columns[$0] },
            values: indices.map { values[$0] },
            texts: indices.map { texts[$0] }, midpoint: midpoint
          ).render(into: &html, id: "\(id)-\(number)", title: "\(title), \(splitBy) \(group)", description: description)
        }
      } else {
        HeatMap(rowLabels: rows, columnLabels: columns, values: values, texts: texts, midpoint: midpoint)
          .render(into: &html, id: id, title: title, description: description)
      }
    }
    html.element("p", ["class": "reading"]) { paragraph in
      paragraph.element("strong", text: "How to read: ")
      paragraph.text(chart.howToRead)
    }
    if !partialLabels.isEmpty, let axis = chart.axis {
      let unit = axis == .weeks ? "week" : "month"
      let drawn = axis == .weeks ? "drawn hollow, joined by lighter dotted lines" : "marked (partial)"
      html.element(
        "p", ["class": "partial-note"],
        text:
          "Partial \(unit)\(partialLabels.count == 1 ? "" : "s") \(partialLabels.joined(separator: ", ")): only partly inside the period \(period), so counted in part and \(drawn); the summary leaves \(partialLabels.count == 1 ? "it" : "them") out."
      )
    }
  }

  /// Whether an axis label (a week's Monday or a month's first day, `YYYY-MM-DD`) names a week or month
  /// reaching outside the period.
  static func isPartial(_ label: String, axis: ReportChart.PeriodAxis?, period: ReportPeriod) -> Bool {
    guard let axis, let date = LocalDate(iso: label) else { return false }
    switch axis {
    case .weeks: return period.isPartial(weekStarting: date)
    case .months: return period.isPartial(monthStarting: date)
    }
  }

  // MARK: - Style

  static let css = """
    body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;color:#1a1a1a;margin:0 auto;max-width:1100px;padding:1rem 1.5rem;line-height:1.4}
    h1{font-size:1.6rem;margin-bottom:.2rem}h2{border-bottom:2px solid #0072B2;padding-bottom:.2rem;margin-top:2.2rem}
    h3{font-size:1.05rem;margin:1.4rem 0 .4rem}.meta,.intro,.more{color:#444}.warning{border-left:4px solid #D55E00;background:#fdf1e8;padding:.4rem .6rem}.empty{font-style:italic;color:#555;border:1px dashed #aaa;padding:.6rem}
    nav.toc ol{columns:2}a{color:#0b5394}
    ul.cards{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr));gap:.6rem}
    .card{border:1px solid #ccc;border-radius:4px;padding:.4rem .7rem;min-width:0}.card h3{margin:.2rem 0;font-size:.95rem}
    .card p{margin:.15rem 0;overflow-wrap:anywhere}.card .value{font-size:1.25rem;font-weight:600}.card .delta{font-size:.8rem;color:#333}
    .attention{border-left:4px solid #D55E00;background:#fdf1e8;padding:.3rem .8rem;margin:.6rem 0}.attention.ok{border-color:#009E73;background:#eaf6f1}
    .attention h3{margin:.3rem 0}.attention li{margin:.2rem 0}.note,.partial-note{color:#444;font-size:.85rem}
    .meta,.intro,.attention,.note,.partial-note,.reading,.more,.empty,figcaption{overflow-wrap:anywhere}
    .reading{font-size:.85rem;color:#333;margin:.2rem 0 .8rem}details{margin:.2rem 0 .8rem}summary{cursor:pointer;color:#0b5394}
    table{border-collapse:collapse;font-size:.82rem;margin:.3rem 0 .6rem;display:block;overflow-x:auto;max-width:100%}
    caption{caption-side:top;text-align:left;color:#333;padding:.2rem 0 .4rem;font-size:.85rem}
    th,td{border:1px solid #ccc;padding:.2rem .45rem;vertical-align:top;white-space:nowrap}th{background:#eef3f8;text-align:left}
    td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}tbody tr:nth-child(even){background:#fafafa}
    figure.chart{margin:1rem 0;overflow-x:auto}figure.chart svg{max-width:100%;height:auto}figcaption{font-size:.85rem;color:#333}
    @media (max-width:600px){body{padding:.5rem .7rem}nav.toc ol{columns:1}}
    @media print{body{max-width:none;padding:0}nav.toc{break-after:page}figure.chart,h2,h3{break-inside:avoid;break-after:avoid}
    table{display:table;overflow:visible}a{color:inherit;text-decoration:none}}
    """
}
