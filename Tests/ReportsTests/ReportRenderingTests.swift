import Foundation
import Postgres
import Reports
import TestSupport
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// Parses markup with an XML parser: the report's HTML is written well-formed (every element closed,
/// attributes quoted, only XML's five character references), so a parse error is a rendering bug.
func parseErrors(_ markup: String) -> String? {
  let parser = XMLParser(data: Data(markup.utf8))
  return parser.parse() ? nil : "\(parser.parserError.map { "\($0)" } ?? "?") at line \(parser.lineNumber)"
}

/// Every element name in document order, and the text of the document.
final class MarkupCollector: NSObject, XMLParserDelegate {
  var elements: [String] = []
  var text = ""
  func parser(
    _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
    attributes: [String: String] = [:]
  ) { elements.append(elementName) }
  func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

  static func collect(_ markup: String) -> MarkupCollector {
    let collector = MarkupCollector()
    let parser = XMLParser(data: Data(markup.utf8))
    parser.delegate = collector
    _ = parser.parse()
    return collector
  }
}

@Suite("Report HTML and CSV rendering")
struct ReportRenderingTests {
  @Test("untrusted titles and comments appear as text in the HTML and are neutralised in the CSV")
  func escaping() throws {
    let title = "<script>alert(1)</script>"
    let comment = "\"><img src=x onerror=alert(1)>"
    let report = try ReportFixture.handMade(title: title, comment: comment).report()
    let html = HTMLReportRenderer().render(report)
    #expect(!html.contains("<script"))
    #expect(!html.contains("<img"))
    #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    #expect(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"))
    #expect(parseErrors(html) == nil)
    let collected = MarkupCollector.collect(html)
    #expect(collected.text.contains(title))
    #expect(collected.text.contains(comment))
    #expect(!collected.elements.contains("script"))
    #expect(!collected.elements.contains("img"))

    let formula = try ReportFixture.handMade(title: "=HYPERLINK(\"http://evil.example\",\"x\")").report()
    let csv = ReportCSVExporter.csv(try #require(formula["top_services"]))
    #expect(
      csv == """
        service_id,title,category,city,bookings,cancelled,currency,gmv\r
        1,"'=HYPERLINK(""http://evil.example"",""x"")",cleaning,Berlin,5,1,EUR,370.00\r

        """)
  }

  @Test("the whole report is well-formed, self-contained, with a table of contents and accessible charts")
  func wellFormed() throws {
    let report = try ReportFixture.handMade().report()
    let html = HTMLReportRenderer().render(report)
    #expect(parseErrors(html) == nil)
    let collected = MarkupCollector.collect(html)
    #expect(!collected.elements.contains("script"))
    // No external requests: the only URL is the SVG namespace name, which is never fetched.
    #expect(!html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "").contains("http"))
    #expect(!html.contains(" src="))
    #expect(html.contains("<nav class=\"toc\""))
    for section in ReportCatalog.sections { #expect(html.contains("href=\"#\(section.id)\"")) }
    for spec in ReportCatalog.tables where report[spec.id]?.isEmpty == false {
      #expect(html.contains("href=\"\(spec.id).csv\""), "\(spec.id)")
    }
    // Every chart is an image with a title and a description; every table has a caption and column headers.
    let charts = html.components(separatedBy: "<svg ").count - 1
    #expect(charts >= 8)
    #expect(html.components(separatedBy: "role=\"img\"").count - 1 == charts)
    #expect(html.components(separatedBy: "<desc id=").count - 1 == charts)
    let tables = html.components(separatedBy: "<table>").count - 1
    #expect(tables == html.components(separatedBy: "<caption>").count - 1)
    #expect(html.contains("<th scope=\"col\""))
  }

  @Test("an empty warehouse renders every section with a clear 'no data' note, no chart and no crash")
  func emptyWarehouse() throws {
    let report = try ReportFixture.empty().report()
    let html = HTMLReportRenderer().render(report)
    #expect(parseErrors(html) == nil)
    #expect(!html.contains("<svg "))
    #expect(html.contains("No data for this period."))
    #expect(html.contains("No data yet."))
    for section in ReportCatalog.sections { #expect(html.contains("id=\"\(section.id)\"")) }
    #expect(ReportCSVExporter.csv(try #require(report["marketplace_weekly"])).hasPrefix("week,category,city,"))
  }

  @Test(
    "the attention list heads the page, escaped, each item linking to its section; untrusted text is cleaned and cut")
  func attentionAndUntrustedText() throws {
    var report = try ReportFixture.empty().report()
    report.attention = [
      AttentionItem(condition: "calendar", message: "the holiday calendar <x> ends on 2026-12-28", section: "model")
    ]
    let html = HTMLReportRenderer().render(report)
    #expect(parseErrors(html) == nil)
    #expect(
      html.contains(
        "<h3>Needs attention (1)</h3><ul><li>the holiday calendar &lt;x&gt; ends on 2026-12-28 <a href=\"#model\">Details</a></li></ul>"
      ))
    #expect(html.firstRange(of: "Needs attention")!.lowerBound < html.firstRange(of: "id=\"marketplace\"")!.lowerBound)
    #expect(UntrustedText.cleaned("a\u{1B}[31mred\u{07} \u{202E}txet") == "a[31mred txet")
    #expect(UntrustedText.cleaned("line\nnext\ttab") == "line\nnext\ttab")
    let long = String(repeating: "x", count: 1_000_000)
    #expect(UntrustedText.truncated(long).count < 400)
    #expect(UntrustedText.truncated(long).hasSuffix("[1000000 characters; the CSV has the whole text]"))
    #expect(HTMLBuilder.escape("left\u{202E}right\u{9B}") == "leftright")
  }

  @Test("one booking: every chart and table renders")
  func oneBooking() throws {
    let fixture = try ReportFixture.handMade()
    try fixture.connection.execute("DELETE FROM pricing.booking_facts WHERE booking_id <> 1")
    let report = try fixture.report()
    #expect(report.lines("bookings_by_status") == ["2026-03-02,1,1,0,0,0"])
    let html = HTMLReportRenderer().render(report)
    #expect(parseErrors(html) == nil)
    #expect(html.contains("Bookings per week"))
  }

  @Test(
    "text is escaped for HTML and XML",
    arguments: [
      ("a & b", "a &amp; b"), ("<b>", "&lt;b&gt;"), ("\"'", "&quot;&#39;"), ("tab\there", "tab\there"),
      ("bell\u{07}gone", "bellgone"), ("Zürich €", "Zürich €"),
    ])
  func escape(_ input: String, _ expected: String) {
    #expect(HTMLBuilder.escape(input) == expected)
  }

  @Test(
    "plain numbers are told from text",
    arguments: [
      ("12", true), ("-0.0500", true), ("3.", false), (".5", false), ("1e5", false), ("NaN", false),
      ("2026-03-02", false), ("-", false), ("", false), ("=1+2", false),
    ])
  func plainNumbers(_ text: String, _ expected: Bool) {
    #expect(ReportTable.isPlainNumber(text) == expected)
  }

  @Test("charts: negative bars start at the zero line, NULL breaks a line, heat-map cells print their value")
  func charts() throws {
    var bars = HTMLBuilder()
    BarChart(labels: ["a", "b", "c"], values: [-1.5, 2, nil], valueTexts: ["-1.5", "2", ""])
      .render(into: &bars, id: "b", title: "T", description: "D")
    #expect(parseErrors(bars.output) == nil)
    #expect(bars.output.components(separatedBy: "<rect ").count - 1 == 2)
    #expect(bars.output.contains(">-1.5</text>"))

    var lines = HTMLBuilder()
    LineChart(
      xLabels: ["w1", "w2", "w3", "w4"], series: [LineChart.Series(name: "s", values: [1, 2, nil, 4])]
    ).render(into: &lines, id: "l", title: "T", description: "D")
    #expect(parseErrors(lines.output) == nil)
    // Two segments of which only [w1, w2] has two points: one polyline; three markers plus the legend's.
    #expect(lines.output.components(separatedBy: "<polyline ").count - 1 == 1)
    #expect(lines.output.components(separatedBy: "<circle ").count - 1 == 4)

    var heat = HTMLBuilder()
    HeatMap(
      rowLabels: ["x", "x", "y"], columnLabels: ["p", "q", "p"], values: [0.8, 1.2, 1], texts: ["0.8", "1.2", "1"],
      midpoint: 1
    ).render(into: &heat, id: "h", title: "T", description: "D")
    #expect(parseErrors(heat.output) == nil)
    for text in [">0.8</text>", ">1.2</text>", ">1</text>"] { #expect(heat.output.contains(text)) }
    #expect(heat.output.contains("fill=\"#F7F7F7\""))  // the midpoint is neutral
  }

  @Test("periods: defaults, and --from after --to refused with a clear message")
  func periods() throws {
    let today = LocalDate(iso: "2026-11-26")!
    let period = try ReportPeriod.resolve(from: nil, to: nil, today: today)
    #expect(period.description == "2026-08-28 to 2026-11-26")
    #expect(period.days == 91)
    #expect(throws: (any Error).self) { try ReportPeriod(from: today, to: today.adding(days: -1)) }
    do {
      _ = try ReportPeriod(from: today, to: today.adding(days: -1))
    } catch {
      #expect("\(error)" == "report period: --from 2026-11-26 is after --to 2026-11-25")
    }
  }
}
