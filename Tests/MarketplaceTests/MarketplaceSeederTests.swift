import Foundation
import Marketplace
import Postgres
import TestSupport
import Testing

@Suite("Seeding the source schema (PostgreSQL)")
struct MarketplaceSeederTests {
  static let today = LocalDate(iso: "2026-06-15")!

  static func checksum(_ connection: Connection, schema: String) throws -> String {
    var parts: [String] = []
    for (table, key) in [
      ("cities", "city"), ("users", "user_id"), ("providers", "provider_id"),
      ("services", "service_id"), ("bookings", "booking_id"), ("payments", "payment_id"),
      ("feedbacks", "feedback_id"), ("quotes", "quote_id"),
    ] {
      let sql = "SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY \(key)), '')) FROM \(schema).\(table) t"
      parts.append(try connection.query(SQLQuery(unsafeSQL: sql)).scalar(String.self))
    }
    return parts.joined(separator: ",")
  }

  @Test("seeding twice with the same seed gives identical data (checksum query)")
  func seedTwice() throws {
    let (conninfo, connection) = try TestDatabase.connect()
    let seeder = MarketplaceSeeder(schema: try SQLIdentifier("source"), logger: TestDatabase.quietLogger)
    let spec = MarketplaceSpec(bookings: 10_000, seed: 11, today: Self.today)
    let generator = try seeder.seed(spec: spec, conninfo: conninfo, replace: false)
    let first = try Self.checksum(connection, schema: "source")
    _ = try seeder.seed(spec: spec, conninfo: conninfo, replace: true)
    #expect(try Self.checksum(connection, schema: "source") == first)
    #expect(try connection.query("SELECT count(*) FROM source.bookings").scalar(Int.self) == generator.summary.bookings)

    _ = try seeder.seed(
      spec: MarketplaceSpec(bookings: 10_000, seed: 12, today: Self.today), conninfo: conninfo, replace: true)
    #expect(try Self.checksum(connection, schema: "source") != first)
  }

  @Test("a source schema with rows is not overwritten without --replace")
  func refusesNonEmpty() throws {
    let (conninfo, _) = try TestDatabase.connect()
    let seeder = MarketplaceSeeder(schema: try SQLIdentifier("public"), logger: TestDatabase.quietLogger)
    let spec = MarketplaceSpec(bookings: 2_000, seed: 1, today: Self.today)
    _ = try seeder.seed(spec: spec, conninfo: conninfo, replace: false)
    let error = #expect(throws: MarketplaceError.self) {
      try seeder.seed(spec: spec, conninfo: conninfo, replace: false)
    }
    #expect(error?.code == .sourceNotEmpty)
    #expect(
      error?.description
        == "source table public.cities already holds rows; pass --replace to overwrite the source schema")
  }

  @Test("--replace never drops a table with rows seed did not write (a live platform); empty tables are seeded")
  func refusesForeignRows() throws {
    let (conninfo, connection) = try TestDatabase.connect()
    try connection.execute("CREATE SCHEMA platform; SET search_path TO platform")
    try connection.execute(SourceSchema.sql)
    let seeder = MarketplaceSeeder(schema: try SQLIdentifier("platform"), logger: TestDatabase.quietLogger)
    let spec = MarketplaceSpec(bookings: 2_000, seed: 1, today: Self.today)
    _ = try seeder.seed(spec: spec, conninfo: conninfo, replace: false)
    #expect(try connection.query("SELECT count(*) FROM platform.bookings").scalar(Int.self) > 0)

    try connection.execute("COMMENT ON TABLE platform.cities IS NULL")
    let error = #expect(throws: MarketplaceError.self) {
      try seeder.seed(spec: spec, conninfo: conninfo, replace: true)
    }
    #expect(error?.code == .sourceNotEmpty)
    #expect(
      error?.description
        == "source table platform.cities holds rows pricing seed did not write; it is never replaced (seed a database of its own)"
    )
    #expect(try connection.query("SELECT count(*) FROM platform.cities").scalar(Int.self) > 0)
  }

  @Test("the seeded data has the promised shape: statuses, payments, feedback, quotes, utilisation spread")
  func shape() throws {
    let (conninfo, connection) = try TestDatabase.connect()
    let seeder = MarketplaceSeeder(schema: try SQLIdentifier("public"), logger: TestDatabase.quietLogger)
    _ = try seeder.seed(
      spec: MarketplaceSpec(bookings: 30_000, seed: 5, today: Self.today), conninfo: conninfo, replace: false)
    let statuses = try connection.query("SELECT string_agg(DISTINCT status, ',' ORDER BY status) FROM bookings")
      .scalar(String.self)
    #expect(statuses == "cancelled,completed,confirmed,pending,unknown")
    let paymentStatuses = try connection.query("SELECT string_agg(DISTINCT status, ',' ORDER BY status) FROM payments")
      .scalar(String.self)
    #expect(paymentStatuses == "failed,partially_refunded,pending,refunded,succeeded")
    #expect(try connection.query("SELECT count(DISTINCT time_zone) FROM cities").scalar(Int.self) >= 3)
    #expect(try connection.query("SELECT count(*) FROM quotes WHERE booking_id IS NULL").scalar(Int.self) > 0)
    // Every active category x city has a service, and the daily price ratio varies within the range.
    #expect(
      try connection.query("SELECT count(DISTINCT (category, city)) FROM services WHERE active").scalar(Int.self) == 170
    )
    let ratio = try connection.query(
      "SELECT min(b.price / s.price)::float8, max(b.price / s.price)::float8 FROM bookings b JOIN services s USING (service_id) WHERE b.price > 0"
    ).single()
    #expect(try ratio.decode(Double.self, at: 0) < 0.85)
    #expect(try ratio.decode(Double.self, at: 1) > 1.25)
    // Utilisation (bookings per slot of capacity) spans slack to saturated across city-months.
    let spread = try connection.query(
      """
      WITH capacity AS (
        SELECT s.city, sum(p.weekly_capacity) / 7.0 AS daily FROM providers p JOIN services s USING (provider_id)
        WHERE p.status = 'active' GROUP BY 1),
      monthly AS (
        SELECT s.city, date_trunc('month', b.scheduled_for) AS month, count(*) / 30.0 AS daily
        FROM bookings b JOIN services s USING (service_id)
        WHERE b.scheduled_for < '2026-06-01' AND b.scheduled_for >= '2024-07-01' GROUP BY 1, 2)
      SELECT min(m.daily / c.daily)::float8, max(m.daily / c.daily)::float8 FROM monthly m JOIN capacity c USING (city)
      """
    ).single()
    #expect(try spread.decode(Double.self, at: 0) < 0.45)
    #expect(try spread.decode(Double.self, at: 1) > 0.9)
  }
}
