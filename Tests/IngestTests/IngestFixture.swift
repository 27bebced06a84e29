import Foundation
import Ingest
import Marketplace
import Postgres
import TestSupport
import Warehouse

/// A fresh database holding the source contract's tables (schema `public`) and the migrated warehouse
/// (schema `pricing`), with a small valid marketplace: one city, a provider, a customer, a service and a
/// booking with its payment.
struct IngestFixture {
  let conninfo: String
  let connection: Connection
  let schema: WarehouseSchema

  init(reference: Bool = true) throws {
    (conninfo, connection) = try TestDatabase.connect(label: "ingest")
    schema = try WarehouseSchema()
    try connection.execute(SourceSchema.sql)
    try Migrator(schema: schema, logger: TestDatabase.quietLogger).migrate(connection)
    if reference {
      try connection.execute(
        """
        INSERT INTO cities VALUES ('Berlin', 'Europe/Berlin', 'DE'), ('Sydney', 'Australia/Sydney', 'AU');
        INSERT INTO users VALUES (1, 'Provider 1', 'provider', 'p1@example.test', 'Berlin', '2023-01-01'),
                                 (2, 'Customer 2', 'customer', 'c2@example.test', 'Berlin', '2023-02-01'),
                                 (3, 'Provider 3', 'provider', 'p3@example.test', 'Sydney', '2023-01-01');
        INSERT INTO providers VALUES (1, 5.0, 10, 'active', '2023-01-01', '2023-01-01'),
                                     (3, 12.5, 20, 'active', '2023-01-01', '2023-01-01');
        INSERT INTO services VALUES (10, 'Cleaning by Provider 1', 'cleaning', 'Berlin', 50.00, 'EUR', 1, true,
                                     '2023-01-01', '2023-01-01'),
                                    (30, 'HVAC by Provider 3', 'hvac', 'Sydney', 120.00, 'AUD', 3, true,
                                     '2023-01-01', '2023-01-01');
        INSERT INTO bookings VALUES (100, 10, 2, 'completed', '2024-05-01 10:00+00', '2024-05-03 09:00+00', 55.00,
                                     'EUR', '2024-05-03 11:00+00');
        INSERT INTO payments VALUES (500, 100, 55.00, 'EUR', 'succeeded', 0, '2024-05-01 10:05+00',
                                     '2024-05-01 10:05+00');
        """)
    }
  }

  var options: IngestOptions {
    IngestOptions(
      sourceConninfo: conninfo, warehouseConninfo: conninfo, sourceSchema: SQLIdentifier(constant: "public"),
      warehouse: schema)
  }

  @discardableResult
  func ingest(full: Bool = false) throws -> IngestSummary {
    var options = self.options
    options.full = full
    return try Ingestor(options: options, logger: TestDatabase.quietLogger).run()
  }

  /// The quarantine as (table, key, rule) triples.
  func quarantine() throws -> Set<String> {
    Set(
      try connection.query("SELECT source_table || ':' || source_key || ':' || rule FROM pricing.quarantine").rows.map {
        try $0.decode(String.self, at: 0)
      })
  }

  func scalar<T: PostgresDecodable>(_ sql: String, as type: T.Type = T.self) throws -> T {
    try connection.query(SQLQuery(unsafeSQL: sql)).scalar(T.self)
  }

  /// A checksum of the warehouse's facts, ignoring run ids and ingest times.
  func factsChecksum() throws -> String {
    var parts: [String] = []
    for (table, key, columns) in [
      ("booking_facts", "booking_id",
       "booking_id, service_id, user_id, provider_id, category, city, status, booking_time, scheduled_for, local_date, price_ratio, paid_amount, refunded_amount, failed_attempts, source_deleted"),
      ("payment_facts", "payment_id", "payment_id, booking_id, amount, currency, status, refunded_amount, source_deleted"),
      ("feedback_facts", "feedback_id", "feedback_id, booking_id, rating, comment"),
      ("quote_facts", "quote_id", "quote_id, service_id, price, multiplier, booking_id"),
      ("quarantine", "source_table, source_key", "source_table, source_key, rule, detail"),
      ("reconciliation_exceptions", "kind, booking_id, payment_id", "kind, booking_id, payment_id, detail"),
    ] {
      parts.append(
        try scalar(
          "SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY \(key)), '')) FROM (SELECT \(columns) FROM pricing.\(table)) t"))
    }
    return parts.joined(separator: ",")
  }
}
