import Foundation
import Postgres
import Reports
import TestSupport
import Testing
import Warehouse

@Suite("Report: pricing impact, and what published prices promised against what they realised")
struct ReportImpactTests {
  @Test("the served run's stored estimate by total, category and city, against flat and the previous table")
  func impact() throws {
    let fixture = try ReportFixture.handMade()
    let line = { (key: String, name: String, gmv: Double, against: Double) -> String in
      """
      {\(key.isEmpty ? "" : "\"\(key)\": \"\(name)\", ")"currency": "EUR", "cells": 2, "capacity": 2.8,
       "bookings": 2.5, "bookings_against": 2.0, "gmv": \(gmv), "gmv_against": \(against),
       "gmv_change": \(gmv / against - 1), "bookings_change": 0.25, "utilisation": 0.8929,
       "gmv_interval": {"low": \(gmv - 10), "high": \(gmv + 10)},
       "gmv_change_interval": {"low": "NaN", "high": 0.2}, "bookings_interval": {"low": 2, "high": 3}}
      """
    }
    let flat =
      "{\"against\": \"flat\", \"cells\": 2, \"share_at_floor\": 0.5, \"share_at_ceiling\": 0, \"share_held_by_daily_limit\": 0.5, "
      + "\"total\": [\(line("", "", 300, 250))], \"by_category\": [\(line("category", "cleaning", 300, 250))], "
      + "\"by_city\": [\(line("city", "Berlin", 300, 250))], \"by_band\": []}"
    let current =
      "{\"against\": \"run 2\", \"cells\": 2, \"share_at_floor\": 0.5, \"share_at_ceiling\": 0, \"share_held_by_daily_limit\": 0.5, "
      + "\"total\": [\(line("", "", 300, 280))], \"by_category\": [\(line("category", "cleaning", 300, 280))], "
      + "\"by_city\": [], \"by_band\": []}"
    try fixture.connection.query(
      """
      UPDATE pricing.model_runs SET impact = jsonb_build_object('flat', \(flat)::jsonb, 'current', \(current)::jsonb),
        config = '{"objective": "gmv"}' WHERE run_id = 1
      """)
    let report = try fixture.report()
    #expect(report.lines("pricing_impact_summary") == ["1,run 2,2,0.5000,0.0000,0.5000,gmv"])
    #expect(
      report.lines("pricing_impact") == [
        "total,all,EUR,300.00,250.00,0.2000,,0.2000,280.00,0.0714,2.5,2.0,0.893",
        "category,cleaning,EUR,300.00,250.00,0.2000,,0.2000,280.00,0.0714,2.5,2.0,0.893",
        "city,Berlin,EUR,300.00,250.00,0.2000,,0.2000,,,2.5,2.0,0.893",
      ])
  }

  @Test("realised bookings and booked GMV of the days a version served, against what its run expected")
  func promisedAgainstRealised() throws {
    let fixture = try ReportFixture.handMade()
    // Version 1 (run 2) published on 1 March, version 2 (run 1) on 2 March: version 2 serves from 2 March
    // on; its run expected 1.5 and 2.5 bookings (150 and 250 EUR) on 2 and 3 March. Realised: booking 1
    // (completed, 100 EUR) on 3 March; nothing on 2 March.
    try fixture.connection.execute(
      """
      SET TIME ZONE 'UTC';
      INSERT INTO pricing.publish_events (action, run_id, version_id, decided_at) VALUES
        ('publish', 2, 1, '2026-03-01 22:00+00'), ('publish', 1, 2, '2026-03-02 22:00+00');
      INSERT INTO pricing.expected_outcomes VALUES
        (2, 'cleaning', 'Berlin', '2026-03-01', 'EUR', 1, 100, 1, 100),
        (1, 'cleaning', 'Berlin', '2026-03-02', 'EUR', 1.5, 150, 1.4, 130),
        (1, 'cleaning', 'Berlin', '2026-03-03', 'EUR', 2.5, 250, 2.4, 230);
      """)
    let report = try fixture.report()
    #expect(report.lines("promised_vs_realised") == ["2,1,EUR,2,4.0,1,0.250,400.00,100.00,0.250"])
    // A period before any publish: nothing promised.
    let early = try fixture.report(try ReportPeriod(from: LocalDate(iso: "2026-01-01")!, to: LocalDate(iso: "2026-02-01")!))
    #expect(early["promised_vs_realised"]?.isEmpty == true)
  }

  @Test("manual overrides: in force or ended in the period, the served cells they decide, what they brought")
  func overrides() throws {
    let fixture = try ReportFixture.handMade()
    try fixture.connection.execute(
      """
      INSERT INTO pricing.price_overrides (category, city, valid_from, valid_to, kind, value, reason, created_by, created_at)
      VALUES ('cleaning', 'Berlin', '2026-03-02', '2026-03-03', 'fixed', 1.1, 'trade fair', 'ana', '2026-03-01 09:00+00'),
             ('moving', NULL, '2025-01-01', '2025-01-31', 'freeze', NULL, 'long ago', 'ben', '2024-12-30 09:00+00');
      INSERT INTO pricing.candidate_overrides VALUES
        (1, 'cleaning', 'Berlin', 'junior', '2026-03-02', '{1}', true), (1, 'cleaning', 'Berlin', 'junior', '2026-03-03', '{1}', true);
      UPDATE pricing.candidate_factors
      SET factors = '{"currency": "EUR", "expected_gmv": 110, "expected_gmv_dynamic": 100}' WHERE run_id = 1;
      """)
    let report = try fixture.report()
    // Two served cells at 110 against 100 at the model's price; realised on 2 and 3 March: booking 1 (100 EUR).
    // The January 2025 freeze ended before the period.
    #expect(
      report.lines("manual_overrides") == [
        "1,ended,fixed,1.1000,cleaning,Berlin,all,2026-03-02,2026-03-03,trade fair,ana,EUR,2,220.00,200.00,1,100.00"
      ])
  }
}
