import Foundation
import Postgres
import Reports
import TestSupport
import Testing

/// KPI values of the hand-made marketplace (ReportFixture) against numbers worked out by hand.
@Suite("Report KPIs against hand-worked numbers")
struct ReportKPITests {
  @Test("marketplace by week, category and city (docs/contracts.md section 4)")
  func marketplaceWeekly() throws {
    let report = try ReportFixture.handMade().report()
    #expect(
      report["marketplace_weekly"]?.columns.prefix(13) == [
        "week", "category", "city", "currency", "bookings", "completed", "cancelled", "confirmed", "pending", "gmv",
        "refunds", "net_revenue", "cancellation_rate",
      ])
    // Week of 2 March: bookings 1 (completed 100, one failed attempt then paid), 2 (cancelled 80, refunded
    // 80), 3 (confirmed 120, 20 refunded). GMV 100 + 120; refunds 80 + 20; net (100 + 80 + 120) - 100;
    // cancellation 1/3; refund rate 2 refunded / 3 paid; failures 1 failed / 4 payments, 1 / 3 bookings;
    // average order value 220 / 2.
    #expect(
      report.lines("marketplace_weekly") == [
        "2026-03-02,cleaning,Berlin,EUR,3,1,1,1,0,220.00,100.00,200.00,0.3333,0.6667,0.2500,0.3333,110.00",
        "2026-03-09,cleaning,Berlin,EUR,1,1,0,0,0,50.00,0.00,0.00,0.0000,,,0.0000,50.00",
        "2026-04-06,cleaning,Berlin,EUR,1,1,0,0,0,100.00,0.00,100.00,0.0000,0.0000,0.0000,0.0000,100.00",
      ])
    #expect(
      report.lines("bookings_by_status") == [
        "2026-03-02,3,1,1,0,1", "2026-03-09,1,1,0,0,0", "2026-04-06,1,1,0,0,0",
      ])
  }

  @Test("customers: new against repeat by week, monthly cohort retention")
  func customers() throws {
    let report = try ReportFixture.handMade().report()
    // Both customers start in the week of 2 March; customer 2 comes back the next week, customer 1 in April.
    #expect(
      report.lines("customers_weekly") == [
        "2026-03-02,2,2,0,0.0000", "2026-03-09,1,0,1,1.0000", "2026-04-06,1,0,1,1.0000",
      ])
    #expect(report.lines("cohort_retention") == ["2026-03-01,0,2,1.0000", "2026-03-01,1,1,0.5000"])
  }

  @Test("providers: utilisation, ratings, leaderboard, services, catalogue")
  func providers() throws {
    let report = try ReportFixture.handMade().report()
    // 4 bookings not cancelled over capacity 10 a week x 42 days / 7 = 60 slots.
    #expect(report.lines("provider_utilisation") == ["cleaning,Berlin,1,4,60.0,0.0667"])
    #expect(
      report.lines("rating_distribution") == [
        "1,0,0.0000", "2,1,0.3333", "3,0,0.0000", "4,1,0.3333", "5,1,0.3333",
      ])
    #expect(report.lines("ratings_by_category") == ["cleaning,3,3.67,0,1,0,1,1"])
    // Net revenue: paid 100 + 80 + 120 + 0 + 100 minus refunds 100; ratings 5, 4, 2.
    #expect(report.lines("provider_leaderboard") == ["EUR,1,1,cleaning,Berlin,5,3,300.00,3.67,3"])
    #expect(report.lines("top_services") == ["1,Deep cleaning,cleaning,Berlin,5,1,EUR,370.00"])
    #expect(report.lines("low_rating_comments") == ["14,4,cleaning,Berlin,2,2026-03-11,late and rude"])
    #expect(report.lines("catalogue_coverage") == ["cleaning,Berlin,1,1"])
  }

  @Test("data quality: quarantine by rule, reconciliation by kind with example keys")
  func dataQuality() throws {
    let report = try ReportFixture.handMade().report()
    #expect(
      report["quarantine_by_rule"]?.rows.map { Array($0.prefix(3)) } == [
        ["bookings", "non_positive_price", "2"], ["payments", "unknown_booking", "1"],
      ])
    #expect(report.lines("reconciliation_by_kind") == ["completed_unpaid,1,b4"])
  }

  @Test("pricing: current version, changes, distribution, model diagnostics, explanations")
  func pricing() throws {
    let report = try ReportFixture.handMade().report()
    let version = try #require(report["price_version"]?.rows.first)
    #expect(version.prefix(5) == ["2", "1", "1", "2", "2026-03-02 22:00"])
    #expect(version.suffix(3) == ["false", "2026-03-02", "2026-03-03"])
    // 1.0 -> 1.1 (+10%) and 1.0 -> 0.95 (-5%): mean absolute change 7.5%.
    #expect(report.lines("multiplier_changes") == ["2,1,2,1,1,0,0.0750,0.1000,-0.0500"])
    #expect(
      report.lines("largest_changes") == [
        "cleaning,Berlin,junior,2026-03-02,1.0000,1.1000,0.1000",
        "cleaning,Berlin,junior,2026-03-03,1.0000,0.9500,-0.0500",
      ])
    #expect(report.lines("multiplier_distribution") == ["0.95,1.00,1,0.5000", "1.10,1.15,1,0.5000"])
    #expect(report.lines("multipliers_by_cell") == ["junior,cleaning,Berlin,2,1.025,0.9500,1.1000"])
    #expect(
      report.lines("holdout_metrics") == [
        "deviance_explained,0.6123,0.4000,0.3000", "wape,0.4000,0.5000,0.5500", "calibration,1.0200,0.9800,1.1000",
        "bookings,40.0000,40.0000,40.0000", "predicted,40.8000,39.2000,44.0000",
      ])
    #expect(report.lines("predicted_vs_actual") == ["2026-02-02,10.0,10.5,9.0", "2026-02-09,30.0,30.3,30.2"])
    #expect(report.lines("calibration") == ["category,cleaning,1.0200", "city,Berlin,1.0200"])
    // -1.2 -+ 1.96 x 0.1.
    #expect(report.lines("elasticities") == ["cleaning,-1.2000,0.1000,-1.3960,-1.0040,fitted"])
    #expect(
      report.lines("model_run") == [
        "1,2026-03-02,fitted,poisson,true,6,,2026-02-02,2026-03-01,,1.1000,,harmonics 4, category weekday on, trend on, deviation penalty x1.0,0.8012,0.9498,0,2027-01-03,the event calendar events.csv ends on 2027-01-03"
      ])
    #expect(report.lines("backtests") == ["harmonics 2,1,0.4100,false,false", "harmonics 4,3,0.3900,true,true"])
    let explained = try #require(report["largest_multipliers_explained"]?.rows.first)
    #expect(explained.prefix(5) == ["cleaning", "Berlin", "junior", "2026-03-02", "1.1000"])
    #expect(explained[7] == "1.3000")
  }

  @Test("a period with no bookings leaves the marketplace tables empty and keeps the current state")
  func emptyPeriod() throws {
    let report = try ReportFixture.handMade().report(
      try ReportPeriod(from: LocalDate(iso: "2020-01-01")!, to: LocalDate(iso: "2020-01-31")!))
    for id in [
      "marketplace_weekly", "rating_distribution", "customers_weekly", "cohort_retention", "provider_leaderboard",
      "top_services",
    ] {
      #expect(report[id]?.isEmpty == true, "\(id)")
    }
    #expect(report.lines("provider_utilisation") == ["cleaning,Berlin,1,0,44.3,0.0000"])  // 10 x 31 days / 7
    #expect(report["price_version"]?.rows.count == 1)
  }
}
