/// Renders a computed report as one self-contained HTML file: inline CSS and SVG, no scripts, no
/// external requests (links only to the CSV files beside it), a table of contents, printable, and every
/// value escaped. Pure: no database, no files.
public struct HTMLReportRenderer {
  public let sections: [ReportSectionSpec]

  public init(sections: [ReportSectionSpec] = ReportCatalog.sections) {
    self.sections = sections
  }

  public static let title = "Marketplace pricing and analytics report"

  public func render(_ report: Report) -> String {
    var html = HTMLBuilder()
    html.raw("<!DOCTYPE html>\n")
    html.element("html", ["lang": "en"]) { html in
      html.element("head") { head in
        head.void("meta", ["charset": "utf-8"])
        head.void("meta", ["name": "viewport", "content": "width=device-width, initial-scale=1"])
        head.element("title", text: "\(HTMLReportRenderer.title), \(report.period)")
        head.element("style") { $0.raw(HTMLReportRenderer.css) }
      }
      html.element("body") { body in
        body.element("header") { header in
          header.element("h1", text: HTMLReportRenderer.title)
          header.element("p", ["class": "meta"]) { meta in
            meta.text("Slot dates \(report.period.from) to \(report.period.to) (\(report.period.days) days). ")
            meta.text("Generated \(report.generatedAt) UTC from database \(report.database). ")
            meta.text("Every table is also a CSV file in this folder.")
          }
          for warning in report.warnings {
            header.element("p", ["class": "warning", "role": "alert"], text: "Warning: " + warning)
          }
        }
        renderContents(into: &body)
        body.element("main") { main in
          for section in sections { render(section, report, into: &main) }
        }
      }
    }
    html.raw("\n")
    return html.output
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
          guard let table = report[chart.table], !table.isEmpty else { continue }
          render(chart, table, id: "\(section.id)-chart-\(index)", into: &html)
        }
      }
    }
  }

  private func render(_ table: ReportTable, into html: inout HTMLBuilder) {
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
      html.element("table") { html in
        html.element("caption") { caption in
          caption.text(table.spec.caption + " ")
          caption.element("a", ["href": "\(table.spec.id).csv"], text: "\(table.spec.id).csv")
        }
        html.element("thead") { head in
          head.element("tr") { row in
            for (index, column) in table.columns.enumerated() {
              row.element("th", ["scope": "col", "class": numeric[index] ? "num" : nil], text: column)
            }
          }
        }
        html.element("tbody") { body in
          for values in table.rows.prefix(table.spec.htmlRowLimit) {
            body.element("tr") { row in
              for (index, value) in values.enumerated() {
                row.element(
                  "td", ["class": numeric[index] ? "num" : nil], text: UntrustedText.truncated(value ?? ""))
              }
            }
          }
        }
      }
      if table.rows.count > table.spec.htmlRowLimit {
        html.element(
          "p", ["class": "more"],
          text:
            "Showing the first \(table.spec.htmlRowLimit) of \(table.rows.count) rows; \(table.spec.id).csv has all of them."
        )
      }
    }
  }

  private func render(_ chart: ChartSpec, _ table: ReportTable, id: String, into html: inout HTMLBuilder) {
    switch chart {
    case .bars(_, let label, let value, let title, let description):
      BarChart(labels: table.texts(label), values: table.numbers(value), valueTexts: table.texts(value))
        .render(into: &html, id: id, title: title, description: description)
    case .lines(_, let x, let series, let title, let description):
      LineChart(
        xLabels: table.texts(x), series: series.map { LineChart.Series(name: $0, values: table.numbers($0)) }
      ).render(into: &html, id: id, title: title, description: description)
    case .heatMap(_, let row, let column, let value, let splitBy, let midpoint, let title, let description):
      let rows = table.texts(row)
      let columns = table.texts(column)
      let values = table.numbers(value)
      let texts = table.texts(value)
      guard let splitBy else {
        HeatMap(rowLabels: rows, columnLabels: columns, values: values, texts: texts, midpoint: midpoint)
          .render(into: &html, id: id, title: title, description: description)
        return
      }
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
    }
  }

  // MARK: - Style

  static let css = """
    body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;color:#1a1a1a;margin:0 auto;max-width:1100px;padding:1rem 1.5rem;line-height:1.4}
    h1{font-size:1.6rem;margin-bottom:.2rem}h2{border-bottom:2px solid #0072B2;padding-bottom:.2rem;margin-top:2.2rem}
    h3{font-size:1.05rem;margin:1.4rem 0 .4rem}.meta,.intro,.more{color:#444}.warning{border-left:4px solid #D55E00;background:#fdf1e8;padding:.4rem .6rem}.empty{font-style:italic;color:#555;border:1px dashed #aaa;padding:.6rem}
    nav.toc ol{columns:2}a{color:#0b5394}
    table{border-collapse:collapse;font-size:.82rem;margin:.3rem 0 .6rem;display:block;overflow-x:auto;max-width:100%}
    caption{caption-side:top;text-align:left;color:#333;padding:.2rem 0 .4rem;font-size:.85rem}
    th,td{border:1px solid #ccc;padding:.2rem .45rem;vertical-align:top;white-space:nowrap}th{background:#eef3f8;text-align:left}
    td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}tbody tr:nth-child(even){background:#fafafa}
    figure.chart{margin:1rem 0;overflow-x:auto}figure.chart svg{max-width:100%;height:auto}figcaption{font-size:.85rem;color:#333}
    @media print{body{max-width:none;padding:0}nav.toc{break-after:page}figure.chart,h2,h3{break-inside:avoid;break-after:avoid}
    table{display:table;overflow:visible}a{color:inherit;text-decoration:none}}
    """
}
