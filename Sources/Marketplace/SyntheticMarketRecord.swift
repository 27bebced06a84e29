import Foundation
import Postgres

/// What `pricing seed` generated, kept in the source schema beside the tables it wrote
/// (`synthetic_market`, one row), so that `pricing simulate` can rebuild the same market and its true
/// demand, and can tell a seeded source from a real one.
public struct SyntheticMarketRecord: Sendable {
  public var spec: MarketplaceSpec
  /// The last booking and payment ids the seed wrote: `pricing simulate` appends after them.
  public var lastBookingID: Int64
  public var lastPaymentID: Int64

  public static let table = "synthetic_market"

  public init(spec: MarketplaceSpec, lastBookingID: Int64, lastPaymentID: Int64) {
    self.spec = spec
    self.lastBookingID = lastBookingID
    self.lastPaymentID = lastPaymentID
  }

  /// Creates the table (replacing an earlier one) and writes the record.
  func write(_ connection: Connection, schema: SQLIdentifier) throws {
    let name = schema.qualifying(Self.table).quoted
    try connection.transaction { connection in
      try connection.execute("DROP TABLE IF EXISTS \(name)")
      try connection.execute(
        """
        CREATE TABLE \(name) (
          seed            numeric(20,0) NOT NULL,
          bookings        integer NOT NULL,
          today           date NOT NULL,
          history_days    integer NOT NULL,
          horizon_days    integer NOT NULL,
          plant_anomalies boolean NOT NULL,
          preset          text NOT NULL,
          last_booking_id bigint NOT NULL,
          last_payment_id bigint NOT NULL
        )
        """)
      try connection.execute("COMMENT ON TABLE \(name) IS '\(MarketplaceSeeder.tableComment)'")
      try connection.query(
        """
        INSERT INTO \(schema.qualifying(Self.table)) VALUES
          (\(String(spec.seed))::numeric, \(spec.bookings), \(spec.today), \(spec.historyDays), \(spec.horizonDays),
           \(spec.plantAnomalies), \(spec.shape.name), \(lastBookingID), \(lastPaymentID))
        """)
    }
  }

  /// The record of a seeded source schema; nil when the schema was not written by `pricing seed` (no
  /// record, or a source table without the seed's comment).
  public static func read(_ connection: Connection, schema: SQLIdentifier) throws -> SyntheticMarketRecord? {
    let name = schema.qualifying(table)
    for table in SourceTable.allCases.map(\.rawValue) + [Self.table] {
      let marked = try connection.query(
        "SELECT obj_description(to_regclass(\(schema.qualifying(table).quoted)), 'pg_class') IS NOT DISTINCT FROM \(MarketplaceSeeder.tableComment)"
      ).scalar(Bool.self)
      guard marked else { return nil }
    }
    guard
      let row = try connection.query(
        SQLQuery(
          unsafeSQL:
            "SELECT seed::text, bookings, today, history_days, horizon_days, plant_anomalies, preset, last_booking_id, last_payment_id FROM \(name.quoted)"
        )
      ).rows.first
    else { return nil }
    guard let seed = UInt64(try row.decode(String.self, at: 0)),
      let shape = MarketShape.preset(named: try row.decode(String.self, at: 6))
    else { return nil }
    let spec = MarketplaceSpec(
      bookings: try row.decode(Int.self, at: 1), seed: seed, today: try row.decode(LocalDate.self, at: 2),
      historyDays: try row.decode(Int.self, at: 3), horizonDays: try row.decode(Int.self, at: 4),
      plantAnomalies: try row.decode(Bool.self, at: 5), shape: shape)
    return SyntheticMarketRecord(
      spec: spec, lastBookingID: try row.decode(Int64.self, at: 7), lastPaymentID: try row.decode(Int64.self, at: 8))
  }
}
