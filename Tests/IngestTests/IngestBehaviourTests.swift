import Foundation
import Ingest
import Marketplace
import Postgres
import TestSupport
import Testing
import Warehouse

@Suite("Ingest: incremental, idempotent, faithful")
struct IngestBehaviourTests {
  @Test("the first run is full, the next is incremental, and a re-run changes nothing")
  func idempotent() throws {
    let fixture = try IngestFixture()
    let first = try fixture.ingest()
    #expect(first.tables.allSatisfy { $0.full })
    let checksum = try fixture.factsChecksum()
    let second = try fixture.ingest()
    #expect(second.tables.filter { $0.table != "cities" }.allSatisfy { !$0.full })
    #expect(second.tables.allSatisfy { $0.inserted == 0 && $0.updated == 0 })
    #expect(try fixture.factsChecksum() == checksum)
    let booking = try fixture.connection.query(
      "SELECT category, city, provider_id, local_date, local_weekday, experience_years, list_price, charged_price, price_ratio, paid_amount FROM pricing.booking_facts"
    ).single()
    #expect(try booking.decode(String.self, at: 0) == "cleaning")
    #expect(try booking.decode(String.self, at: 1) == "Berlin")
    #expect(try booking.decode(Int64.self, at: 2) == 1)
    #expect(try booking.decode(LocalDate.self, at: 3) == LocalDate(iso: "2024-05-03"))
    #expect(try booking.decode(Int.self, at: 4) == 5)
    #expect(try booking.decode(Decimal.self, at: 5) == Decimal(5))
    #expect(try booking.decode(Decimal.self, at: 6) == Decimal(50))
    #expect(try booking.decode(Decimal.self, at: 7) == Decimal(55))
    #expect(try booking.decode(Decimal.self, at: 8) == Decimal(string: "1.1"))
    #expect(try booking.decode(Decimal.self, at: 9) == Decimal(55))
  }

  @Test("a first load rebuilds exactly the keys and indexes it dropped, and a later run upserts through them")
  func firstLoadRestoresIndexes() throws {
    let fixture = try IngestFixture()
    let catalogue = """
      SELECT string_agg(c.relname || ': ' || pg_get_indexdef(x.indexrelid) || ' primary=' || x.indisprimary, E'\\n'
                        ORDER BY c.relname, 1)
      FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = 'pricing' AND t.relname LIKE '%_facts'
      """
    let migrated = try fixture.scalar(catalogue, as: String.self)
    #expect(migrated.contains("booking_facts_pkey: CREATE UNIQUE INDEX booking_facts_pkey"))
    try fixture.ingest()
    #expect(try fixture.scalar(catalogue, as: String.self) == migrated)
    try fixture.connection.execute("UPDATE bookings SET status = 'cancelled', updated_at = now() WHERE booking_id = 100")
    let second = try fixture.ingest()
    #expect(second.tables.first { $0.table == "bookings" }?.updated == 1)
    #expect(try fixture.scalar("SELECT count(*) FROM pricing.booking_facts", as: Int.self) == 1)
  }

  @Test("payment totals: kept when only the booking changes, recomputed when its payments change, found for a late booking")
  func paymentTotalsAcrossRuns() throws {
    let fixture = try IngestFixture()
    try fixture.ingest()
    let totals = "SELECT paid_amount || '/' || refunded_amount || '/' || failed_attempts || '/' || payment_count FROM pricing.booking_facts WHERE booking_id = "
    #expect(try fixture.scalar(totals + "100", as: String.self) == "55.00/0.00/0/1")
    // Only the booking changes: its totals stay (no payment is read).
    try fixture.connection.execute("UPDATE bookings SET status = 'confirmed', updated_at = now() WHERE booking_id = 100")
    try fixture.ingest()
    #expect(try fixture.scalar(totals + "100", as: String.self) == "55.00/0.00/0/1")
    // The booking and a new payment change in the same run: recomputed from the payments.
    try fixture.connection.execute(
      """
      UPDATE bookings SET status = 'completed', updated_at = now() WHERE booking_id = 100;
      INSERT INTO payments VALUES (501, 100, 55.00, 'EUR', 'failed', 0, now(), now());
      UPDATE payments SET status = 'partially_refunded', refunded_amount = 5, updated_at = now() WHERE payment_id = 500;
      """)
    try fixture.ingest()
    #expect(try fixture.scalar(totals + "100", as: String.self) == "55.00/5.00/1/2")
    // A payment arrives a run before its booking: the booking gets the totals when it arrives.
    try fixture.connection.execute(
      "INSERT INTO payments VALUES (502, 103, 80.00, 'EUR', 'succeeded', 0, now(), now())")
    try fixture.ingest()
    try fixture.connection.execute(
      "INSERT INTO bookings VALUES (103, 10, 2, 'completed', now() - interval '2 days', now() - interval '1 day', 80, 'EUR', now())")
    try fixture.ingest()
    #expect(try fixture.scalar(totals + "103", as: String.self) == "80.00/0.00/0/1")
    // Whatever the path, the facts equal a full rebuild's.
    let incremental = try fixture.factsChecksum()
    try fixture.ingest(full: true)
    #expect(try fixture.factsChecksum() == incremental)
  }

  @Test("a source row updated after the first run is updated by the next incremental run")
  func updatedRow() throws {
    let fixture = try IngestFixture()
    try fixture.ingest()
    try fixture.connection.execute(
      "UPDATE bookings SET status = 'cancelled', updated_at = now() WHERE booking_id = 100")
    let summary = try fixture.ingest()
    #expect(summary.tables.first { $0.table == "bookings" }?.updated == 1)
    #expect(try fixture.scalar("SELECT status FROM pricing.booking_facts", as: String.self) == "cancelled")
    #expect(try fixture.scalar("SELECT kind FROM pricing.reconciliation_exceptions", as: String.self)
      == "cancelled_paid_not_refunded")
  }

  @Test("a row fixed upstream leaves quarantine on its next ingest, and so does one whose parent arrives")
  func fixedUpstream() throws {
    let fixture = try IngestFixture()
    try fixture.connection.execute(
      """
      INSERT INTO bookings VALUES (101, 10, 2, 'lost', '2024-05-01', '2024-05-02', 50, 'EUR', '2024-05-02');
      INSERT INTO bookings VALUES (102, 11, 2, 'confirmed', '2024-05-01', '2024-05-02', 50, 'EUR', '2024-05-02');
      """)
    try fixture.ingest()
    #expect(try fixture.quarantine() == ["bookings:101:unknown_status", "bookings:102:unknown_service"])
    try fixture.connection.execute(
      """
      UPDATE bookings SET status = 'confirmed', updated_at = now() WHERE booking_id = 101;
      INSERT INTO services VALUES (11, 'New', 'cleaning', 'Berlin', 45, 'EUR', 1, true, now(), now());
      """)
    let summary = try fixture.ingest()
    #expect(try fixture.quarantine().isEmpty)
    #expect(summary.tables.first { $0.table == "bookings" }?.released == 2)
    #expect(try fixture.scalar("SELECT count(*) FROM pricing.booking_facts", as: Int.self) == 3)
  }

  @Test("a valid row that turns bad upstream leaves the facts for quarantine")
  func turnsBad() throws {
    let fixture = try IngestFixture()
    try fixture.ingest()
    try fixture.connection.execute("UPDATE bookings SET price = -1, updated_at = now() WHERE booking_id = 100")
    let summary = try fixture.ingest()
    #expect(summary.tables.first { $0.table == "bookings" }?.removed == 1)
    #expect(try fixture.quarantine() == ["bookings:100:non_positive_price"])
    #expect(try fixture.scalar("SELECT count(*) FROM pricing.booking_facts", as: Int.self) == 0)
  }

  @Test("a row deleted at the source is kept; --full marks it deleted, and reconciliation ignores it")
  func deletedRow() throws {
    let fixture = try IngestFixture()
    try fixture.connection.execute(
      "INSERT INTO bookings VALUES (101, 10, 2, 'completed', '2024-05-01', '2024-05-02', 50, 'EUR', '2024-05-02')")
    try fixture.ingest()
    #expect(try fixture.scalar("SELECT count(*) FROM pricing.reconciliation_exceptions WHERE booking_id = 101", as: Int.self) == 1)
    try fixture.connection.execute("DELETE FROM bookings WHERE booking_id = 101")
    try fixture.ingest()
    #expect(try fixture.scalar("SELECT source_deleted FROM pricing.booking_facts WHERE booking_id = 101", as: Bool.self) == false)
    let full = try fixture.ingest(full: true)
    #expect(full.tables.first { $0.table == "bookings" }?.markedDeleted == 1)
    #expect(try fixture.scalar("SELECT source_deleted FROM pricing.booking_facts WHERE booking_id = 101", as: Bool.self))
    #expect(try fixture.scalar("SELECT count(*) FROM pricing.reconciliation_exceptions WHERE booking_id = 101", as: Int.self) == 0)
  }

  @Test("text with quotes, commas, newlines, tabs, backslashes, non-ASCII and markup arrives unchanged")
  func textFidelity() throws {
    let fixture = try IngestFixture()
    let title = "Clean \"pro\", fast\nnew line\ttab \\back\\slash Zürich 東京 😀 <script>alert(1)</script> \\N"
    let comment = "\"><img src=x onerror=alert(1)> ; DROP TABLE x; -- ' \r\n end"
    try fixture.connection.query(
      "UPDATE services SET title = \(title), updated_at = now() WHERE service_id = 10")
    try fixture.connection.query(
      "INSERT INTO feedbacks VALUES (900, 100, 5, \(comment), now())")
    try fixture.ingest()
    #expect(try fixture.scalar("SELECT title FROM pricing.services WHERE service_id = 10", as: String.self) == title)
    #expect(try fixture.scalar("SELECT comment FROM pricing.feedback_facts", as: String.self) == comment)
  }

  @Test("local slot dates follow the city's time zone across DST changes, north and south", arguments: [
    (10, "2024-03-30 23:30+00", "2024-03-31", 7),  // Berlin, CET: 00:30 local on the day clocks go forward
    (10, "2024-03-31 00:30+00", "2024-03-31", 7),  // Berlin, 01:30 CET
    (10, "2024-10-26 22:30+00", "2024-10-27", 7),  // Berlin, 00:30 CEST on the day clocks go back
    (30, "2024-04-06 13:30+00", "2024-04-07", 7),  // Sydney, 00:30 AEDT on the day clocks go back
    (30, "2024-10-05 14:30+00", "2024-10-06", 7),  // Sydney, 00:30 AEST on the day clocks go forward
    (30, "2024-10-06 13:30+00", "2024-10-07", 1),  // Sydney, 00:30 AEDT
  ])
  func localDates(service: Int, scheduled: String, localDate: String, weekday: Int) throws {
    let fixture = try IngestFixture()
    let currency = service == 10 ? "EUR" : "AUD"
    try fixture.connection.query(
      """
      INSERT INTO bookings VALUES (101, \(Int64(service)), 2, 'confirmed', '2024-03-01', \(scheduled)::timestamptz,
                                   60, \(currency), now())
      """)
    try fixture.ingest()
    let row = try fixture.connection.query("SELECT local_date, local_weekday FROM pricing.booking_facts WHERE booking_id = 101").single()
    #expect(try row.decode(LocalDate.self, at: 0) == LocalDate(iso: localDate))
    #expect(try row.decode(Int.self, at: 1) == weekday)
  }

  @Test("reconciliation finds each kind of inconsistency, and closes it when the data is fixed")
  func reconciliation() throws {
    let fixture = try IngestFixture()
    try fixture.connection.execute(
      """
      INSERT INTO bookings VALUES
        (101, 10, 2, 'completed', '2024-05-01', '2024-05-02', 50, 'EUR', '2024-05-02'),
        (102, 10, 2, 'cancelled', '2024-05-01', '2024-05-02', 50, 'EUR', '2024-05-02'),
        (103, 10, 2, 'completed', '2024-05-01', '2024-05-02', 50, 'EUR', '2024-05-02'),
        (104, 10, 2, 'completed', '2024-05-01', '2024-05-02', 50, 'EUR', '2024-05-02'),
        (105, 10, 2, 'completed', '2024-05-01', '2024-05-02', 50, 'EUR', '2024-05-02');
      INSERT INTO payments VALUES
        (601, 102, 50, 'EUR', 'succeeded', 0, '2024-05-01', '2024-05-01'),
        (602, 103, 30, 'EUR', 'partially_refunded', 30, '2024-05-01', '2024-05-01'),
        (603, 103, 20, 'EUR', 'failed', 20, '2024-05-01', '2024-05-01'),
        (604, 104, 50, 'EUR', 'succeeded', 0, '2024-05-01', '2024-05-01'),
        (605, 104, 50, 'EUR', 'succeeded', 0, '2024-05-01', '2024-05-01'),
        (606, 105, 50, 'USD', 'succeeded', 0, '2024-05-01', '2024-05-01'),
        (607, 4242, 50, 'EUR', 'succeeded', 0, '2024-05-01', '2024-05-01');
      """)
    try fixture.ingest()
    let kinds = Set(
      try fixture.connection.query(
        "SELECT kind || ':' || coalesce(booking_id::text, '') || ':' || coalesce(payment_id::text, '') FROM pricing.reconciliation_exceptions"
      ).rows.map { try $0.decode(String.self, at: 0) })
    #expect(
      kinds == [
        "completed_unpaid:101:", "cancelled_paid_not_refunded:102:", "refund_above_paid:103:",
        "duplicate_successful_payments:104:605", "currency_mismatch:105:606", "payment_for_unknown_booking:4242:607",
      ])
    // Fix two: pay booking 101, and let booking 4242 arrive.
    try fixture.connection.execute(
      """
      INSERT INTO payments VALUES (608, 101, 50, 'EUR', 'succeeded', 0, now(), now());
      INSERT INTO bookings VALUES (4242, 10, 2, 'confirmed', '2024-05-01', '2024-05-02', 50, 'EUR', now());
      """)
    try fixture.ingest()
    #expect(try fixture.scalar("SELECT count(*) FROM pricing.reconciliation_exceptions WHERE booking_id IN (101, 4242)", as: Int.self) == 0)
    #expect(try fixture.scalar("SELECT count(*) FROM pricing.reconciliation_exceptions", as: Int.self) == 4)
    // A status change alone re-checks the booking's own kinds and keeps its payment kinds open.
    try fixture.connection.execute(
      "UPDATE bookings SET status = 'confirmed', updated_at = now() WHERE booking_id IN (102, 104)")
    try fixture.ingest()
    #expect(try fixture.scalar("SELECT count(*) FROM pricing.reconciliation_exceptions WHERE booking_id = 102", as: Int.self) == 0)
    #expect(
      try fixture.scalar(
        "SELECT string_agg(kind || ':' || payment_id, ',') FROM pricing.reconciliation_exceptions WHERE booking_id = 104",
        as: String.self) == "duplicate_successful_payments:605")
    // The incremental runs end where a full rebuild does.
    let incremental = try fixture.factsChecksum()
    try fixture.ingest(full: true)
    #expect(try fixture.factsChecksum() == incremental)
  }

  @Test("demand cells follow every change: new, moved and cancelled bookings, quotes, full runs")
  func demandCells() throws {
    let fixture = try IngestFixture()
    let expected = """
      SELECT string_agg(category || ':' || city || ':' || local_date || ':' || bookings || ':' || round(log_ratio_sum::numeric, 9)
                        || ':' || quotes, ',' ORDER BY category, city, local_date)
      FROM (SELECT category, city, local_date, sum(b) AS bookings, sum(r) AS log_ratio_sum, sum(q) AS quotes FROM (
              SELECT category, city, local_date, 1 AS b, ln(price_ratio::float8) AS r, 0 AS q
              FROM pricing.booking_facts WHERE NOT source_deleted
              UNION ALL SELECT category, city, local_date, 0, 0, 1 FROM pricing.quote_facts WHERE NOT source_deleted) x
            GROUP BY 1, 2, 3) t
      """
    let actual = """
      SELECT string_agg(category || ':' || city || ':' || local_date || ':' || bookings || ':' || round(log_ratio_sum::numeric, 9)
                        || ':' || quotes, ',' ORDER BY category, city, local_date) FROM pricing.demand_cells
      """
    try fixture.ingest()
    #expect(try fixture.scalar(actual, as: String.self) == fixture.scalar(expected, as: String.self))
    try fixture.connection.execute(
      """
      INSERT INTO bookings VALUES (101, 10, 2, 'confirmed', '2024-05-01', '2024-05-04 10:00+00', 45, 'EUR', now());
      UPDATE bookings SET scheduled_for = '2024-05-09 09:00+00', updated_at = now() WHERE booking_id = 100;
      INSERT INTO quotes VALUES (700, 10, 2, now(), '2024-05-05 10:00+00', 40, 0.8, NULL, NULL);
      """)
    try fixture.ingest()
    #expect(try fixture.scalar(actual, as: String.self) == fixture.scalar(expected, as: String.self))
    #expect(try fixture.scalar("SELECT count(*) FROM pricing.demand_cells WHERE local_date = '2024-05-03'", as: Int.self) == 0)
    try fixture.connection.execute("DELETE FROM bookings WHERE booking_id = 101")
    try fixture.ingest(full: true)
    #expect(try fixture.scalar(actual, as: String.self) == fixture.scalar(expected, as: String.self))
    #expect(try fixture.scalar("SELECT sum(bookings) FROM pricing.demand_cells", as: Int.self) == 1)
  }

  @Test("first bookings follow every change: new, moved, deleted, refused and re-assigned bookings, full runs")
  func firstBookings() throws {
    let fixture = try IngestFixture()
    let expected = """
      SELECT coalesce(string_agg(user_id || ':' || first, ',' ORDER BY user_id), '')
      FROM (SELECT user_id, min(local_date) AS first FROM pricing.booking_facts WHERE NOT source_deleted
            GROUP BY user_id) t
      """
    let actual = """
      SELECT coalesce(string_agg(user_id || ':' || first_date, ',' ORDER BY user_id), '')
      FROM pricing.customer_first_bookings
      """
    try fixture.ingest()
    #expect(try fixture.scalar(actual, as: String.self) == "2:2024-05-03")
    try fixture.connection.execute(
      """
      INSERT INTO users VALUES (4, 'Customer 4', 'customer', 'c4@example.test', 'Berlin', '2023-03-01');
      INSERT INTO bookings VALUES (101, 10, 2, 'confirmed', '2024-04-01', '2024-04-20 10:00+00', 45, 'EUR', now()),
                                  (102, 10, 4, 'pending', '2024-04-01', '2024-06-01 10:00+00', 45, 'EUR', now());
      """)
    try fixture.ingest()
    #expect(try fixture.scalar(actual, as: String.self) == "2:2024-04-20,4:2024-06-01")
    // The earliest booking moves later, and customer 4's only booking goes to customer 2.
    try fixture.connection.execute(
      """
      UPDATE bookings SET scheduled_for = '2024-05-10 09:00+00', updated_at = now() WHERE booking_id = 101;
      UPDATE bookings SET user_id = 2, scheduled_for = '2024-05-01 09:00+00', updated_at = now() WHERE booking_id = 102;
      """)
    try fixture.ingest()
    #expect(try fixture.scalar(actual, as: String.self) == "2:2024-05-01")
    #expect(try fixture.scalar(actual, as: String.self) == fixture.scalar(expected, as: String.self))
    // A booking that turns bad upstream leaves the facts for quarantine, and with it its first booking.
    try fixture.connection.execute(
      "UPDATE bookings SET price = -1, updated_at = now() WHERE booking_id = 102")
    try fixture.ingest()
    #expect(try fixture.scalar(actual, as: String.self) == "2:2024-05-03")
    // Deleted at the source: a full run marks the facts deleted; a customer without bookings leaves.
    try fixture.connection.execute("DELETE FROM bookings WHERE booking_id IN (100, 101, 102)")
    try fixture.ingest(full: true)
    #expect(try fixture.scalar(actual, as: String.self) == "")
    #expect(try fixture.scalar(actual, as: String.self) == fixture.scalar(expected, as: String.self))
  }

  @Test("the report's day sums follow every write: new, moved, cancelled, paid, refused and deleted bookings, ratings")
  func reportDaySums() throws {
    let fixture = try IngestFixture()
    let keys = "local_date, service_id, provider_id, category, city, currency"
    let measures = [
      "bookings", "completed", "cancelled", "confirmed", "pending", "gmv", "gmv_bookings", "refunds", "paid",
      "refunded_bookings", "paid_bookings", "failed_attempts", "payments", "ratio_sum",
    ]
    func listed(_ from: String) -> String {
      """
      SELECT coalesce(string_agg(concat_ws(':', \(keys), \(measures.map { "round(\($0)::numeric, 6)" }.joined(separator: ", "))),
                                 ',' ORDER BY \(keys)), '')
      FROM (\(from)) t
      """
    }
    let expectedDays = listed(
      """
      SELECT \(keys), count(*) AS bookings, count(*) FILTER (WHERE status = 'completed') AS completed,
             count(*) FILTER (WHERE status = 'cancelled') AS cancelled, count(*) FILTER (WHERE status = 'confirmed') AS confirmed,
             count(*) FILTER (WHERE status = 'pending') AS pending,
             coalesce(sum(charged_price) FILTER (WHERE status IN ('confirmed', 'completed')), 0) AS gmv,
             count(*) FILTER (WHERE status IN ('confirmed', 'completed')) AS gmv_bookings,
             sum(refunded_amount) AS refunds, sum(paid_amount) AS paid,
             count(*) FILTER (WHERE refunded_amount > 0) AS refunded_bookings,
             count(*) FILTER (WHERE paid_amount > 0) AS paid_bookings,
             sum(failed_attempts) AS failed_attempts, sum(payment_count) AS payments, sum(price_ratio) AS ratio_sum
      FROM pricing.booking_facts WHERE NOT source_deleted GROUP BY \(keys)
      """)
    let actualDays = listed("SELECT * FROM pricing.booking_service_days")
    let expectedRatings = """
      SELECT coalesce(string_agg(concat_ws(':', local_date, provider_id, category, currency, rating, ratings), ','
                                 ORDER BY local_date, provider_id, category, currency, rating), '')
      FROM (SELECT b.local_date, b.provider_id, b.category, b.currency, f.rating, count(*) AS ratings
            FROM pricing.feedback_facts f JOIN pricing.booking_facts b ON b.booking_id = f.booking_id
            WHERE NOT f.source_deleted AND NOT b.source_deleted GROUP BY 1, 2, 3, 4, 5) t
      """
    let actualRatings = """
      SELECT coalesce(string_agg(concat_ws(':', local_date, provider_id, category, currency, rating, ratings), ','
                                 ORDER BY local_date, provider_id, category, currency, rating), '')
      FROM pricing.rating_days
      """
    func check(_ comment: Comment) throws {
      #expect(try fixture.scalar(actualDays, as: String.self) == fixture.scalar(expectedDays, as: String.self), comment)
      #expect(
        try fixture.scalar(actualRatings, as: String.self) == fixture.scalar(expectedRatings, as: String.self), comment)
      #expect(
        try fixture.scalar("SELECT count(*) FROM pricing.booking_service_days WHERE bookings = 0", as: Int.self) == 0)
      #expect(try fixture.scalar("SELECT count(*) FROM pricing.rating_days WHERE ratings = 0", as: Int.self) == 0)
    }
    try fixture.ingest()
    try check("first run")
    #expect(try fixture.scalar("SELECT count(*) FROM pricing.booking_service_days", as: Int.self) == 1)
    try fixture.connection.execute(
      """
      INSERT INTO bookings VALUES (101, 10, 2, 'confirmed', '2024-05-01', '2024-05-03 12:00+00', 45, 'EUR', now()),
                                  (102, 10, 2, 'pending', '2024-05-01', '2024-05-04 12:00+00', 50, 'EUR', now());
      INSERT INTO payments VALUES (501, 101, 45.00, 'EUR', 'succeeded', 0, now(), now());
      INSERT INTO feedbacks VALUES (900, 100, 5, 'great', now()), (901, 101, 2, 'late', now());
      """)
    try fixture.ingest()
    try check("new bookings, a payment and ratings")
    #expect(try fixture.scalar("SELECT count(*) FROM pricing.rating_days", as: Int.self) == 2)
    try fixture.connection.execute(
      """
      UPDATE bookings SET scheduled_for = '2024-05-09 09:00+00', updated_at = now() WHERE booking_id = 100;
      UPDATE bookings SET status = 'cancelled', updated_at = now() WHERE booking_id = 101;
      UPDATE payments SET refunded_amount = 45.00, updated_at = now() WHERE payment_id = 501;
      """)
    try fixture.ingest()
    try check("a moved booking, a cancellation and a refund")
    try fixture.connection.execute("UPDATE bookings SET price = -1, updated_at = now() WHERE booking_id = 102")
    try fixture.ingest()
    try check("a booking refused by validation")
    try fixture.connection.execute(
      "DELETE FROM bookings WHERE booking_id = 100; DELETE FROM feedbacks WHERE feedback_id = 901")
    try fixture.ingest(full: true)
    try check("deletions found by a full run")
    #expect(try fixture.scalar("SELECT count(*) FROM pricing.rating_days", as: Int.self) == 0)
  }

  @Test("each run is recorded with its per-table counts")
  func runRecords() throws {
    let fixture = try IngestFixture()
    let summary = try fixture.ingest()
    let row = try fixture.connection.query(
      "SELECT r.status, r.exit_code, s.status, s.rows, s.details->'tables'->5->>'table' FROM pricing.runs r JOIN pricing.run_steps s USING (run_id) WHERE r.run_id = \(summary.runID)"
    ).single()
    #expect(try row.decode(String.self, at: 0) == "succeeded")
    #expect(try row.decode(Int.self, at: 1) == 0)
    #expect(try row.decode(String.self, at: 2) == "succeeded")
    #expect(try row.decode(Int.self, at: 3) == summary.tables.reduce(0) { $0 + $1.read })
    #expect(try row.decode(String.self, at: 4) == "bookings")
  }

  @Test("a seeded marketplace arrives whole: every source row is a fact or in quarantine")
  func seededMarketplace() throws {
    let fixture = try IngestFixture(reference: false)
    try fixture.connection.execute(
      "DROP TABLE quotes, feedbacks, payments, bookings, services, providers, users, cities")
    _ = try MarketplaceSeeder(schema: SQLIdentifier(constant: "public"), logger: TestDatabase.quietLogger)
      .seed(spec: MarketplaceSpec(bookings: 20_000, seed: 9, today: LocalDate(iso: "2026-06-15")!), conninfo: fixture.conninfo,
            replace: false)
    let summary = try fixture.ingest()
    for (source, fact) in [("bookings", "booking_facts"), ("payments", "payment_facts"), ("feedbacks", "feedback_facts"),
                           ("quotes", "quote_facts"), ("services", "services"), ("cities", "cities")] {
      let sourceRows = try fixture.scalar("SELECT count(*) FROM public.\(source)", as: Int.self)
      let facts = try fixture.scalar("SELECT count(*) FROM pricing.\(fact)", as: Int.self)
      let quarantined = try fixture.scalar(
        "SELECT count(*) FROM pricing.quarantine WHERE source_table = '\(source)'", as: Int.self)
      #expect(facts + quarantined == sourceRows, "\(source)")
    }
    #expect(try fixture.quarantine().contains("cities:Atlantis:invalid_time_zone"))
    let kinds = try fixture.scalar("SELECT count(DISTINCT kind) FROM pricing.reconciliation_exceptions", as: Int.self)
    #expect(kinds >= 4)
    #expect(summary.openExceptions > 0)
  }
}
