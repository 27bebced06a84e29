import Foundation
import Postgres
import Reports
import TestSupport
import Warehouse

/// A migrated warehouse holding a small hand-made marketplace whose KPIs are worked out by hand in the
/// tests: one provider (weekly capacity 10) with an active cleaning service in Berlin, five bookings by
/// two customers over March and April 2026, their payments and feedback, two published price versions
/// and the model run behind the current one.
struct ReportFixture {
  let conninfo: String
  let connection: Connection
  let schema: WarehouseSchema
  static let period = try! ReportPeriod(from: LocalDate(iso: "2026-03-02")!, to: LocalDate(iso: "2026-04-12")!)

  /// An empty migrated warehouse.
  static func empty() throws -> ReportFixture {
    let (conninfo, connection) = try TestDatabase.connect(label: "report")
    let schema = try WarehouseSchema()
    try Migrator(schema: schema, logger: TestDatabase.quietLogger).migrate(connection)
    return ReportFixture(conninfo: conninfo, connection: connection, schema: schema)
  }

  /// The hand-made marketplace. `title` is the service's title (untrusted text in the escaping tests).
  static func handMade(title: String = "Deep cleaning", comment: String = "late and rude") throws -> ReportFixture {
    let fixture = try empty()
    try fixture.connection.execute(
      """
      INSERT INTO pricing.cities VALUES ('Berlin', 'Europe/Berlin', 'DE', 1);
      INSERT INTO pricing.providers (provider_id, experience_years, weekly_capacity, status, run_id)
        VALUES (1, 5, 10, 'active', 1);
      INSERT INTO pricing.services (service_id, title, category, city, price, currency, provider_id, active, run_id)
        VALUES (2, 'Old offer', 'cleaning', 'Berlin', 90, 'EUR', 1, false, 1);
      """)
    try fixture.connection.query(
      """
      INSERT INTO pricing.services (service_id, title, category, city, price, currency, provider_id, active, run_id)
      VALUES (1, \(title), 'cleaning', 'Berlin', 100, 'EUR', 1, true, 1)
      """)
    // booking, user, status, slot date, charged, paid, refunded, failed attempts, payments
    let bookings: [(Int, Int, String, String, String, String, String, Int, Int)] = [
      (1, 1, "completed", "2026-03-03", "100.00", "100.00", "0.00", 1, 2),
      (2, 1, "cancelled", "2026-03-04", "80.00", "80.00", "80.00", 0, 1),
      (3, 2, "confirmed", "2026-03-05", "120.00", "120.00", "20.00", 0, 1),
      (4, 2, "completed", "2026-03-10", "50.00", "0.00", "0.00", 0, 0),
      (5, 1, "completed", "2026-04-07", "100.00", "100.00", "0.00", 0, 1),
    ]
    for (id, user, status, date, charged, paid, refunded, failed, payments) in bookings {
      try fixture.insertBooking(
        id, user: user, status: status, date: date, charged: charged, paid: paid, refunded: refunded, failed: failed,
        payments: payments)
    }
    try fixture.connection.query(
      """
      INSERT INTO pricing.feedback_facts (feedback_id, booking_id, rating, comment, created_at, run_id) VALUES
        (11, 1, 5, 'great', '2026-03-04', 1), (13, 3, 4, NULL, '2026-03-06', 1), (14, 4, 2, \(comment), '2026-03-11', 1)
      """)
    try fixture.connection.execute(
      """
      INSERT INTO pricing.quarantine (source_table, source_key, rule, detail, run_id) VALUES
        ('bookings', '901', 'non_positive_price', 'price -5', 1), ('bookings', '902', 'non_positive_price', 'price 0', 1),
        ('payments', '77', 'unknown_booking', 'booking 999', 1);
      INSERT INTO pricing.reconciliation_exceptions (kind, booking_id, payment_id, detail, run_id) VALUES
        ('completed_unpaid', 4, NULL, 'completed, nothing paid', 1);
      INSERT INTO pricing.runs (command, status) VALUES ('fit', 'succeeded');
      INSERT INTO pricing.model_runs (run_id, as_of, history_start, holdout_start, horizon_days, family, converged,
        iterations, status, config, coefficients, elasticities, metrics, timings)
      VALUES (1, '2026-03-02', '2025-03-02', '2026-02-02', 2, 'poisson', true, 6, 'fitted', '{}', '[]',
        '[{"category": "cleaning", "estimate": -1.2, "std_error": 0.1, "source": "fitted", "raw": -1.2}]',
        '{"model": {"deviance_explained": 0.61234, "wape": 0.4, "calibration": 1.02, "bookings": 40, "predicted": 40.8},
          "baseline": {"deviance_explained": 0.4, "wape": 0.5, "calibration": 0.98, "bookings": 40, "predicted": 39.2},
          "baseline_last_year": {"deviance_explained": 0.3, "wape": 0.55, "calibration": 1.1, "bookings": 40, "predicted": 44},
          "structure": "harmonics 4, category weekday on, trend on, deviation penalty x1.0",
          "intervals": {"coverage_80": 0.80123, "coverage_95": 0.94977, "inside_80": 0.9, "inside_95": 0.98, "theta": 30},
          "censored_cells": 0, "calendar_end": "2027-01-03",
          "calendar_warning": "the event calendar events.csv ends on 2027-01-03",
          "backtests": [{"structure": "harmonics 2", "folds": [{"origin": "2026-01-05", "wape": 0.41}], "mean_wape": 0.41,
                         "finalist": false, "chosen": false},
                        {"structure": "harmonics 4", "folds": [{}, {}, {}], "mean_wape": 0.39, "finalist": true, "chosen": true}],
          "holdout_start": "2026-02-02", "holdout_end": "2026-03-01", "pearson_dispersion": 1.1,
          "calibration_by_category": {"cleaning": 1.02}, "calibration_by_city": {"Berlin": 1.02},
          "by_week": [{"week": "2026-02-02", "actual": 10, "predicted": 10.5, "baseline": 9},
                      {"week": "2026-02-09", "actual": 30, "predicted": 30.3, "baseline": 30.2}]}', '{}');
      INSERT INTO pricing.candidate_multipliers VALUES
        (1, 'cleaning', 'Berlin', 'junior', '2026-03-02', 1.1), (1, 'cleaning', 'Berlin', 'junior', '2026-03-03', 0.95);
      INSERT INTO pricing.candidate_factors VALUES
        (1, 'cleaning', 'Berlin', 'junior', '2026-03-02', '{"pressure": 1.3, "base": 1.1, "clamp": 1}'),
        (1, 'cleaning', 'Berlin', 'junior', '2026-03-03', '{"pressure": 0.7, "base": 0.95, "clamp": 1}');
      -- The previous version's run: an earlier fit, whose candidates are version 1's rows.
      INSERT INTO pricing.runs (command, status) VALUES ('fit', 'succeeded');
      INSERT INTO pricing.model_runs (run_id, as_of, history_start, holdout_start, horizon_days, family, converged,
        iterations, status, config, coefficients, elasticities, metrics, timings)
      VALUES (2, '2026-03-01', '2025-03-01', '2026-02-01', 2, 'poisson', true, 6, 'fitted', '{}', '[]', '[]', '{}', '{}');
      INSERT INTO pricing.candidate_multipliers VALUES
        (2, 'cleaning', 'Berlin', 'junior', '2026-03-02', 1.0), (2, 'cleaning', 'Berlin', 'junior', '2026-03-03', 1.0);
      INSERT INTO pricing.price_versions (version_id, run_id, rows, published_at) VALUES
        (1, 2, 2, '2026-03-01 22:00+00'), (2, 1, 2, '2026-03-02 22:00+00');
      INSERT INTO pricing.current_version (version_id, run_id, previous_version_id) VALUES (2, 1, 1);
      """)
    return fixture
  }

  /// One booking fact of service 1 (cleaning in Berlin, provider 1, list price 100) on `date`.
  func insertBooking(
    _ id: Int, user: Int, status: String, date: String, charged: String, paid: String, refunded: String,
    failed: Int = 0, payments: Int = 1, currency: String = "EUR"
  ) throws {
    let day = LocalDate(iso: date)!
    try connection.query(
      """
      INSERT INTO pricing.booking_facts (booking_id, service_id, user_id, provider_id, category, city, status,
        booking_time, scheduled_for, local_date, local_weekday, experience_years, list_price, charged_price,
        price_ratio, currency, paid_amount, refunded_amount, failed_attempts, payment_count, run_id)
      VALUES (\(id), 1, \(user), 1, 'cleaning', 'Berlin', \(status), \(date)::timestamptz - interval '5 days',
        \(date)::timestamptz + interval '10 hours', \(day), \(day.isoWeekday), 5, 100, \(charged)::numeric,
        \(charged)::numeric / 100, \(currency), \(paid)::numeric, \(refunded)::numeric, \(failed), \(payments), 1)
      """)
  }

  /// The report of the fixture's facts. Facts are written here by hand, not by ingest: first bookings are
  /// recomputed from them as ingest keeps them (IngestBehaviourTests.firstBookings checks that ingest does).
  func report(_ period: ReportPeriod = ReportFixture.period) throws -> Report {
    try connection.execute(
      """
      DELETE FROM pricing.customer_first_bookings;
      INSERT INTO pricing.customer_first_bookings (user_id, first_date)
      SELECT user_id, min(local_date) FROM pricing.booking_facts WHERE NOT source_deleted GROUP BY user_id
      """)
    return try ReportGenerator(schema: schema, logger: TestDatabase.quietLogger).generate(connection, period: period)
  }
}

extension Report {
  /// The rows of a table as CSV-like lines (NULL as empty), for comparing with hand-worked numbers.
  func lines(_ id: String) -> [String] {
    (self[id]?.rows ?? []).map { $0.map { $0 ?? "" }.joined(separator: ",") }
  }
}
