import Fitting
import Foundation
import Ingest
import Marketplace
import Postgres
import PricingModel
import TestSupport
import Testing
import Warehouse

@Suite("pricing fit on a seasonal market: structure by backtests, events, intervals, the calendar's end", .serialized)
struct FitStructureTests {
  static let today = LocalDate(iso: "2026-03-16")!

  @Test("the fit records its backtests, interval coverage and the second baseline, and warns when the calendar ends early")
  func seasonalMarket() throws {
    let (conninfo, connection) = try TestDatabase.connect(label: "fitshape")
    let schema = try WarehouseSchema()
    let spec = MarketplaceSpec(bookings: 60_000, seed: 12, today: Self.today, plantAnomalies: false, shape: .seasonal)
    let generator = try SeededWarehouse.seedAndIngest(
      spec, conninfo: conninfo, connection: connection, schema: schema)
    // The planted calendar, cut to end ten days into the horizon.
    let horizonCut = CalendarDay(daysSinceEpoch: Self.today.daysSinceEpoch + 10)
    let windows = generator.plantedEvents.compactMap { window -> EventCalendar.Window? in
      let first = CalendarDay(daysSinceEpoch: window.first.daysSinceEpoch)
      let last = CalendarDay(daysSinceEpoch: window.last.daysSinceEpoch)
      guard first <= horizonCut else { return nil }
      return EventCalendar.Window(
        name: window.name, country: window.country, city: nil, first: first, last: min(last, horizonCut),
        leadIn: window.leadIn)
    }
    var options = FitOptions(warehouseConninfo: conninfo, schema: schema, asOf: Self.today)
    options.events = EventCalendar(windows: windows)
    options.eventsFile = "events.csv"
    let cellsPath = FileManager.default.temporaryDirectory.appendingPathComponent("cells-\(UUID().uuidString).csv").path
    options.cellsOut = cellsPath
    let outcome = try FitRunner(options: options, logger: TestDatabase.quietLogger).run()
    #expect(outcome.status == "fitted", "\(outcome.reasons)")
    let metrics = outcome.metrics
    #expect(
      metrics.calendar_warning
        == "the event calendar events.csv ends on 2026-03-26, before the horizon's last day 2026-04-12: later events are priced as ordinary days"
    )
    let backtests = try #require(metrics.backtests)
    #expect(backtests.count == DemandStructure.candidates.count)
    #expect(backtests.filter(\.chosen).count == 1)
    #expect(backtests.filter(\.finalist).allSatisfy { $0.folds.count == 3 })
    #expect(metrics.structure == backtests.first(where: \.chosen)?.structure)
    let intervals = try #require(metrics.intervals)
    #expect(abs(intervals.coverage_80 - 0.8) < 0.05 && abs(intervals.coverage_95 - 0.95) < 0.03)
    let lastYear = try #require(metrics.baseline_last_year)
    #expect(metrics.model.wape < lastYear.wape && metrics.model.wape < metrics.baseline.wape)
    // model show carries them; the event effects are fitted per category (tax consulting's deadline).
    let json = try ModelRunStore(schema: schema).showJSON(connection, runID: outcome.runID)
    let shown = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
    let shownMetrics = try #require(shown["metrics"] as? [String: Any])
    for key in ["backtests", "intervals", "baseline_last_year", "structure", "calendar_warning", "calendar_end"] {
      #expect(shownMetrics[key] != nil, "\(key)")
    }
    let coefficients = try #require(shown["coefficients"] as? [[String: Any]])
    let deadline = try #require(
      coefficients.first { $0["name"] as? String == "event.tax_deadline[tax_consulting]" }?["estimate"] as? Double)
    #expect(abs(deadline - 0.9) < 0.3, "tax deadline effect \(deadline)")
    // The cells file: every history cell, predictions on held-out days only.
    let lines = try String(contentsOfFile: cellsPath, encoding: .utf8).split(separator: "\n")
    #expect(
      lines.first
        == "category,city,date,weekday,bookings,capacity,slots,log_price_ratio,southern,events,holdout,predicted,demand,lower_80,upper_80,lower_95,upper_95,baseline,baseline_last_year"
    )
    let rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    #expect(rows.allSatisfy { $0.count == 19 })
    #expect(rows.filter { $0[10] == "1" && !$0[11].isEmpty }.count == metrics.cells)
    #expect(rows.filter { $0[10] == "0" }.allSatisfy { $0[11].isEmpty })
  }
}
