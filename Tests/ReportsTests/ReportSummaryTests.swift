import Foundation
import Postgres
import Reports
import TestSupport
import Testing

@Suite("Report summary: the last complete week against the week before and a year ago")
struct ReportSummaryTests {
  /// Adds facts to the hand-made fixture: (booking, user, status, slot date, charged, paid, refunded, currency).
  static func addBookings(
    _ fixture: ReportFixture, _ bookings: [(Int, Int, String, String, String, String, String, String)]
  ) throws {
    for (id, user, status, date, charged, paid, refunded, currency) in bookings {
      try fixture.insertBooking(
        id, user: user, status: status, date: date, charged: charged, paid: paid, refunded: refunded,
        currency: currency)
    }
  }

  @Test("hand-worked: counts and money change relatively, rates in points, money per currency, n/a where undefined")
  func handWorked() throws {
    let fixture = try ReportFixture.handMade()
    try ReportSummaryTests.addBookings(
      fixture,
      [
        (6, 2, "cancelled", "2026-04-01", "80.00", "80.00", "80.00", "EUR"),
        (7, 3, "completed", "2026-04-02", "120.00", "120.00", "0.00", "CHF"),
        (8, 3, "completed", "2025-04-08", "50.00", "50.00", "0.00", "EUR"),
      ])
    let report = try fixture.report()
    #expect(report.period.lastCompleteWeek == LocalDate(iso: "2026-04-06"))
    #expect(
      report.lines("summary") == [
        "bookings,,relative,1,2,1,-0.5000,0.0000",
        "completion_rate,,points,1.0000,0.5000,1.0000,0.5000,0.0000",
        "cancellation_rate,,points,0.0000,0.5000,0.0000,-0.5000,0.0000",
        "utilisation,,points,0.1000,0.1000,0.1000,0.0000,0.0000",
        "mean_multiplier,,relative,1.0000,1.0000,0.5000,0.0000,1.0000",
        "gmv,CHF,relative,0.00,120.00,0.00,-1.0000,",
        "gmv,EUR,relative,100.00,0.00,50.00,,1.0000",
        "net_revenue,CHF,relative,0.00,120.00,0.00,-1.0000,",
        "net_revenue,EUR,relative,100.00,0.00,50.00,,1.0000",
        "refunds,CHF,relative,0.00,0.00,0.00,,",
        "refunds,EUR,relative,0.00,80.00,0.00,-1.0000,",
      ])
    let html = HTMLReportRenderer().render(report)
    #expect(parseErrors(html) == nil)
    #expect(!html.contains("NaN") && !html.contains("inf"))
    #expect(
      html.contains(
        "The week of 2026-04-06 to 2026-04-12 against the week before (from 2026-03-30) and the same week a year earlier (from 2025-04-07)."
      ))
    #expect(
      html.contains(
        "<li class=\"card\"><h3>Bookings</h3><p class=\"figure\"><span class=\"value\">1</span></p><p class=\"delta\">vs previous week: -50.0% (from 2)<br/>vs a year ago: ±0.0% (from 1)</p></li>"
      ))
    #expect(html.contains("vs previous week: +50.0 points (from 50.0%)"))
    #expect(html.contains("<span class=\"currency\">CHF </span><span class=\"value\">0.00</span>"))
    #expect(html.contains("vs previous week: n/a (from 0.00)"))
    // The summary comes before the table of contents and the sections.
    #expect(html.firstRange(of: "id=\"summary\"")!.lowerBound < html.firstRange(of: "<nav class=\"toc\"")!.lowerBound)

    let json = try #require(ReportBuilder.files(report).first { $0.name == "summary.json" }?.contents)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    #expect(
      (object["weeks"] as? [String: String]) == [
        "this_week": "2026-04-06", "previous_week": "2026-03-30", "year_ago_week": "2025-04-07",
      ])
    let measures = try #require(object["measures"] as? [[String: Any]])
    #expect(measures.count == 11)
    let gmvEUR = try #require(
      measures.first { $0["measure"] as? String == "gmv" && $0["currency"] as? String == "EUR" })
    #expect(gmvEUR["this_week"] as? Double == 100)
    #expect(gmvEUR["change_vs_previous"] is NSNull)
    #expect(gmvEUR["change_vs_year_ago"] as? Double == 1)
    #expect(measures.first?["currency"] is NSNull)
    #expect(object["needs_attention"] is [Any])
  }

  @Test("a period without a complete week says so; no bookings a year earlier reads n/a with the reason")
  func missingWeeks() throws {
    let fixture = try ReportFixture.handMade()
    let short = try fixture.report(
      try ReportPeriod(from: LocalDate(iso: "2026-04-08")!, to: LocalDate(iso: "2026-04-12")!))
    #expect(short.period.lastCompleteWeek == nil)
    #expect(short["summary"]?.isEmpty == true)
    let html = HTMLReportRenderer().render(short)
    #expect(parseErrors(html) == nil)
    #expect(
      html.contains(
        "The period 2026-04-08 to 2026-04-12 holds no complete week (Monday to Sunday), so there is nothing to compare")
    )
    let json = try #require(ReportBuilder.files(short).first { $0.name == "summary.json" }?.contents)
    #expect(json.contains("\"weeks\" : null"))
    #expect(json.contains("\"measures\" : [\n\n  ]"))

    let report = try fixture.report()
    let page = HTMLReportRenderer().render(report)
    #expect(
      page.contains(
        "No bookings in the same week a year earlier: the year-on-year changes read n/a."))
    #expect(page.contains("vs a year ago: n/a (no bookings that week)"))
    #expect(!page.contains("NaN"))
  }

  @Test("the last complete week and partial weeks and months of a period")
  func periodWeeks() throws {
    let period = try ReportPeriod(from: LocalDate(iso: "2026-03-04")!, to: LocalDate(iso: "2026-04-08")!)
    #expect(period.lastCompleteWeek == LocalDate(iso: "2026-03-30"))
    #expect(period.isPartial(weekStarting: LocalDate(iso: "2026-03-02")!))
    #expect(!period.isPartial(weekStarting: LocalDate(iso: "2026-03-09")!))
    #expect(period.isPartial(weekStarting: LocalDate(iso: "2026-04-06")!))
    #expect(period.isPartial(monthStarting: LocalDate(iso: "2026-03-01")!))
    #expect(period.isPartial(monthStarting: LocalDate(iso: "2026-04-01")!))
    let sunday = try ReportPeriod(from: LocalDate(iso: "2026-03-02")!, to: LocalDate(iso: "2026-03-08")!)
    #expect(sunday.lastCompleteWeek == LocalDate(iso: "2026-03-02"))
    #expect(!sunday.isPartial(weekStarting: LocalDate(iso: "2026-03-02")!))
    let saturday = try ReportPeriod(from: LocalDate(iso: "2026-03-02")!, to: LocalDate(iso: "2026-03-07")!)
    #expect(saturday.lastCompleteWeek == nil)
  }

  @Test("partial weeks at either end are drawn hollow and dotted, with a note naming them")
  func partialWeeks() throws {
    let fixture = try ReportFixture.handMade()
    let report = try fixture.report(
      try ReportPeriod(from: LocalDate(iso: "2026-03-04")!, to: LocalDate(iso: "2026-04-08")!))
    let html = HTMLReportRenderer().render(report)
    #expect(parseErrors(html) == nil)
    #expect(
      html.contains(
        "<p class=\"partial-note\">Partial weeks 2026-03-02, 2026-04-06: only partly inside the period 2026-03-04 to 2026-04-08, so counted in part and drawn hollow, joined by lighter dotted lines; the summary leaves them out.</p>"
      ))
    #expect(html.contains("stroke-dasharray=\"2 4\" stroke-opacity=\"0.45\""))
    #expect(html.contains("fill=\"#fff\" stroke=\"#0072B2\""))
    // The cohort map marks its partial month.
    #expect(html.contains("2026-03-01 (partial)"))
    // A period of whole weeks has no partial week (its months are still partial).
    let whole = HTMLReportRenderer().render(try fixture.report())
    #expect(!whole.contains("<p class=\"partial-note\">Partial week"))
    #expect(whole.contains("<p class=\"partial-note\">Partial month 2026-03-01: only partly inside the period"))
  }

  @Test("long tables show their first rows and fold the rest; every chart says how to read it")
  func foldingAndReading() throws {
    let spec = try #require(ReportCatalog.table("top_services"))
    let rows: [[String?]] = (1...25).map { ["\($0)", "service \($0)"] }
    let report = Report(
      period: try ReportPeriod(from: LocalDate(iso: "2026-03-02")!, to: LocalDate(iso: "2026-03-29")!),
      generatedAt: "2026-03-30 06:00:00", database: "test",
      tables: ["top_services": ReportTable(spec: spec, columns: ["service_id", "title"], rows: rows)])
    let html = HTMLReportRenderer().render(report)
    #expect(parseErrors(html) == nil)
    let table = try #require(html.range(of: "id=\"table-top_services\"")).lowerBound
    let fold = try #require(html.range(of: "<details><summary>Show the other 15 rows</summary>")).lowerBound
    #expect(table < fold)
    #expect(html[table..<fold].contains("<td>service 10</td>"))
    #expect(!html[table..<fold].contains("<td>service 11</td>"))
    #expect(html[fold...].contains("<td>service 25</td>"))
    #expect(html[table..<fold].contains("href=\"top_services.csv\""))

    let handMade = try ReportFixture.handMade().report()
    let full = HTMLReportRenderer().render(handMade)
    var drawn = 0
    for section in ReportCatalog.sections {
      for case .chart(let chart) in section.blocks where handMade[chart.spec.table]?.isEmpty == false { drawn += 1 }
    }
    #expect(drawn >= 8)
    #expect(full.components(separatedBy: "<p class=\"reading\"><strong>How to read: </strong>").count - 1 == drawn)
  }

  @Test("a second session runs the customer tables on the same snapshot: the same report as one session")
  func besideSession() throws {
    let fixture = try ReportFixture.handMade()
    let serial = try fixture.report()
    let beside = try Connection(conninfo: fixture.conninfo, logger: TestDatabase.quietLogger)
    let report = try ReportGenerator(schema: fixture.schema, logger: TestDatabase.quietLogger)
      .generate(fixture.connection, beside: beside, period: ReportFixture.period)
    #expect(report.tables.keys.sorted() == serial.tables.keys.sorted())
    for spec in ReportCatalog.tables where !["recent_runs", "ingest_freshness", "price_version", "attention_facts"].contains(spec.id) {
      #expect(report.lines(spec.id) == serial.lines(spec.id), "\(spec.id)")
    }
    #expect(!report.lines("customers_weekly").isEmpty)
    // Both sessions ended: the second can run a query of its own, outside any transaction.
    #expect(try beside.query("SELECT count(*) FROM pg_stat_activity WHERE state = 'idle in transaction' AND pid = pg_backend_pid()").scalar(Int.self) == 0)
  }

  @Test("twelve currencies: one line each in the money cards, never a total across them")
  func twelveCurrencies() throws {
    let fixture = try ReportFixture.handMade()
    let currencies = ["AUD", "BRL", "CAD", "CHF", "DKK", "GBP", "JPY", "NOK", "PLN", "SEK", "USD"]
    try ReportSummaryTests.addBookings(
      fixture,
      currencies.enumerated().map { index, currency in
        (100 + index, 1, "completed", "2026-04-08", "\(10 + index).00", "\(10 + index).00", "0.00", currency)
      })
    let report = try fixture.report()
    let gmv = report.lines("summary").filter { $0.hasPrefix("gmv,") }
    #expect(gmv.count == 12)
    #expect(gmv.contains("gmv,USD,relative,20.00,,,,"))
    let html = HTMLReportRenderer().render(report)
    #expect(parseErrors(html) == nil)
    for currency in currencies + ["EUR"] {
      #expect(html.contains("<span class=\"currency\">\(currency) </span>"))
    }
  }
}
