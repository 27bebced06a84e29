import Foundation
import Ingest
import Postgres
import Testing

@Suite("Ingest validation rules: each bad row is quarantined with its rule, and the run goes on")
struct ValidationRuleTests {
  /// (a statement that writes one bad row into the source, the expected "table:key:rule").
  static let cases: [(String, String)] = [
    ("INSERT INTO cities VALUES ('Atlantis', 'Mars/Olympus_Mons', 'XX')", "cities:Atlantis:invalid_time_zone"),
    ("INSERT INTO cities VALUES ('Nowhere', NULL, 'DE')", "cities:Nowhere:missing_time_zone"),
    ("INSERT INTO cities VALUES ('Lowercase', 'Europe/Berlin', 'de')", "cities:Lowercase:invalid_country"),
    ("INSERT INTO users VALUES (7, 'x', 'admin', 'x', 'Berlin', now())", "users:7:unknown_user_type"),
    ("INSERT INTO users VALUES (8, 'x', 'provider', 'x', 'Berlin', now()); INSERT INTO providers VALUES (8, 'NaN', 5, 'active', now(), now())",
     "providers:8:invalid_experience"),
    ("INSERT INTO users VALUES (8, 'x', 'provider', 'x', 'Berlin', now()); INSERT INTO providers VALUES (8, 2, -1, 'active', now(), now())",
     "providers:8:invalid_capacity"),
    ("INSERT INTO users VALUES (8, 'x', 'provider', 'x', 'Berlin', now()); INSERT INTO providers VALUES (8, 2, 5, 'retired', now(), now())",
     "providers:8:unknown_status"),
    ("INSERT INTO providers VALUES (9, 2, 5, 'active', now(), now())", "providers:9:unknown_user"),
    ("INSERT INTO services VALUES (11, 't', 'cleaning', 'Atlantis', 50, 'EUR', 1, true, now(), now())", "services:11:unknown_city"),
    ("INSERT INTO services VALUES (11, 't', 'cleaning', 'Berlin', 50, 'EUR', 99, true, now(), now())", "services:11:unknown_provider"),
    ("INSERT INTO services VALUES (11, 't', 'cleaning', 'Berlin', 0, 'EUR', 1, true, now(), now())", "services:11:non_positive_price"),
    ("INSERT INTO services VALUES (11, 't', NULL, 'Berlin', 10, 'EUR', 1, true, now(), now())", "services:11:missing_category"),
    ("INSERT INTO bookings VALUES (101, NULL, 2, 'confirmed', '2024-05-01', '2024-05-02', 50, 'EUR', now())", "bookings:101:missing_service_id"),
    ("INSERT INTO bookings VALUES (101, 10, NULL, 'confirmed', '2024-05-01', '2024-05-02', 50, 'EUR', now())", "bookings:101:missing_user_id"),
    ("INSERT INTO bookings VALUES (101, 10, 2, 'lost', '2024-05-01', '2024-05-02', 50, 'EUR', now())", "bookings:101:unknown_status"),
    ("INSERT INTO bookings VALUES (101, 10, 2, 'confirmed', '2024-05-01', '2024-05-02', NULL, 'EUR', now())", "bookings:101:missing_price"),
    ("INSERT INTO bookings VALUES (101, 10, 2, 'confirmed', '2024-05-01', '2024-05-02', 'NaN', 'EUR', now())", "bookings:101:non_finite_price"),
    ("INSERT INTO bookings VALUES (101, 10, 2, 'confirmed', '2024-05-01', '2024-05-02', -5, 'EUR', now())", "bookings:101:non_positive_price"),
    ("INSERT INTO bookings VALUES (101, 10, 2, 'confirmed', '2024-05-01', '2024-05-02', 50, 'EURO', now())", "bookings:101:invalid_currency"),
    ("INSERT INTO bookings VALUES (101, 10, 2, 'confirmed', '2024-05-01', '2024-05-02', 50, 'USD', now())", "bookings:101:currency_mismatch"),
    ("INSERT INTO bookings VALUES (101, 10, 2, 'confirmed', '2024-05-03', '2024-05-02', 50, 'EUR', now())", "bookings:101:scheduled_before_booked"),
    ("INSERT INTO bookings VALUES (101, 10, 2, 'confirmed', '2024-05-01', '2099-05-02', 50, 'EUR', now())", "bookings:101:implausible_date"),
    ("INSERT INTO bookings VALUES (101, 10, 2, 'confirmed', '1970-05-01', '1970-05-02', 50, 'EUR', now())", "bookings:101:implausible_date"),
    ("INSERT INTO bookings VALUES (101, 999, 2, 'confirmed', '2024-05-01', '2024-05-02', 50, 'EUR', now())", "bookings:101:unknown_service"),
    ("INSERT INTO bookings VALUES (101, 10, 77, 'confirmed', '2024-05-01', '2024-05-02', 50, 'EUR', now())", "bookings:101:unknown_user"),
    ("INSERT INTO payments VALUES (501, NULL, 10, 'EUR', 'succeeded', 0, now(), now())", "payments:501:missing_booking_id"),
    ("INSERT INTO payments VALUES (501, 100, -1, 'EUR', 'succeeded', 0, now(), now())", "payments:501:non_positive_amount"),
    ("INSERT INTO payments VALUES (501, 100, 'NaN', 'EUR', 'succeeded', 0, now(), now())", "payments:501:non_finite_amount"),
    ("INSERT INTO payments VALUES (501, 100, 10, 'eur', 'succeeded', 0, now(), now())", "payments:501:invalid_currency"),
    ("INSERT INTO payments VALUES (501, 100, 10, 'EUR', 'charged', 0, now(), now())", "payments:501:unknown_status"),
    ("INSERT INTO payments VALUES (501, 100, 10, 'EUR', 'refunded', 12, now(), now())", "payments:501:refund_above_amount"),
    ("INSERT INTO payments VALUES (501, 100, 10, 'EUR', 'refunded', -2, now(), now())", "payments:501:invalid_refund"),
    ("INSERT INTO payments VALUES (501, 100, 10, 'EUR', 'succeeded', 0, NULL, now())", "payments:501:missing_created_at"),
    ("INSERT INTO feedbacks VALUES (900, 100, 6, 'great', now())", "feedbacks:900:rating_out_of_range"),
    ("INSERT INTO feedbacks VALUES (900, 100, NULL, 'great', now())", "feedbacks:900:rating_out_of_range"),
    ("INSERT INTO feedbacks VALUES (900, 4242, 5, 'great', now())", "feedbacks:900:unknown_booking"),
    ("INSERT INTO quotes VALUES (700, 10, 2, now(), now(), 50, 0, NULL, NULL)", "quotes:700:invalid_multiplier"),
    ("INSERT INTO quotes VALUES (700, 999, 2, now(), now(), 50, 1, NULL, NULL)", "quotes:700:unknown_service"),
  ]

  @Test("a failing row goes to pricing.quarantine under its rule", arguments: cases)
  func rule(statement: String, expected: String) throws {
    let fixture = try IngestFixture()
    try fixture.connection.execute(statement)
    let summary = try fixture.ingest()
    #expect(try fixture.quarantine() == [expected])
    // The valid rows still arrived.
    #expect(try fixture.scalar("SELECT count(*) FROM pricing.booking_facts", as: Int.self) == 1)
    #expect(try fixture.scalar("SELECT count(*) FROM pricing.payment_facts", as: Int.self) == 1)
    #expect(summary.tables.reduce(0) { $0 + $1.quarantined } == 1)
    // The row is recorded with its detail, its raw values and the run.
    let row = try fixture.connection.query(
      "SELECT detail, raw IS NOT NULL, run_id FROM pricing.quarantine").single()
    #expect(try !row.decode(String.self, at: 0).isEmpty)
    #expect(try row.decode(Bool.self, at: 1))
    #expect(try row.decode(Int64.self, at: 2) == summary.runID)
  }

  @Test("details say what is wrong, verbatim", arguments: [
    ("INSERT INTO bookings VALUES (101, 10, 2, 'lost', '2024-05-01', '2024-05-02', 50, 'EUR', now())",
     "status 'lost' is not one of pending, confirmed, completed, cancelled"),
    ("INSERT INTO bookings VALUES (101, 10, 2, 'confirmed', '2024-05-01', '2024-05-02', 50, 'USD', now())",
     "currency USD differs from the service's EUR"),
    ("INSERT INTO cities VALUES ('Atlantis', 'Mars/Olympus_Mons', 'XX')",
     "time_zone 'Mars/Olympus_Mons' is not an IANA time zone"),
    ("INSERT INTO payments VALUES (501, 100, 10, 'EUR', 'refunded', 12, now(), now())",
     "refunded_amount 12.00 is above amount 10.00"),
  ])
  func details(statement: String, detail: String) throws {
    let fixture = try IngestFixture()
    try fixture.connection.execute(statement)
    try fixture.ingest()
    #expect(try fixture.scalar("SELECT detail FROM pricing.quarantine", as: String.self) == detail)
  }
}
