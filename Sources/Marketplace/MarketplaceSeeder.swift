import Logging
import Postgres

/// Creates the source contract's tables in a schema and fills them with a generated marketplace.
///
/// The fact tables are streamed through four COPY sessions at once (one connection each), so memory
/// stays small and the server indexes on several backends. Refuses to touch a source schema that
/// already holds rows unless `replace` is set, and even then refuses tables with rows it did not write
/// (each table it creates carries `tableComment`): the command never overwrites a live platform, even
/// when the environment points it there. Not atomic: a failed seed leaves partial tables, and is
/// repeated with `replace`.
public struct MarketplaceSeeder {
  public let schema: SQLIdentifier
  public let logger: Logger

  /// The comment on every table the seeder creates; only such tables are replaced when they hold rows.
  public static let tableComment = "synthetic data written by pricing seed"

  /// The tables beside the source contract's that a seed (`SyntheticMarketRecord`) and a simulation
  /// (`pricing simulate`) keep in the source schema.
  public static let simulationTables = ["simulation_days", SyntheticMarketRecord.table]

  public init(schema: SQLIdentifier, logger: Logger) {
    self.schema = schema
    self.logger = logger
  }

  /// Seeds the schema; returns the generator (for its truth and summary).
  public func seed(spec: MarketplaceSpec, conninfo: String, replace: Bool) throws -> MarketplaceGenerator {
    guard spec.bookings > 0 else {
      throw MarketplaceError(code: .invalidSpec, message: "--bookings must be positive")
    }
    let connection = try Connection(conninfo: conninfo, logger: logger)
    try prepareTables(connection, replace: replace)
    let generator = MarketplaceGenerator(spec: spec)
    var connections = [connection]
    for _ in 1..<SourceTable.facts.count { connections.append(try Connection(conninfo: conninfo, logger: logger)) }

    try streamTables(SourceTable.reference, over: connections) { emit in try generator.generateReference(emit) }
    logger.info("seed: reference tables written", metadata: ["rows": "\(generator.summary.rows)"])
    try streamTables(SourceTable.facts, over: connections) { emit in try generator.generateFacts(emit) }
    // The indexes a platform keeps for incremental readers (not part of the contract, which fixes only
    // the primary keys): without them every incremental ingest scans the whole table.
    for table in ["providers", "services", "bookings", "payments"] {
      try connection.execute(
        "CREATE INDEX IF NOT EXISTS \(table)_updated_at ON \(schema.qualifying(table).quoted) (updated_at)")
    }
    for table in SourceTable.allCases {
      try connection.execute("ANALYZE \(schema.qualifying(table.rawValue).quoted)")
    }
    // What was generated, for `pricing simulate` (and to tell this source from a real one).
    let last = try connection.query(
      SQLQuery(
        unsafeSQL:
          "SELECT (SELECT coalesce(max(booking_id), 0) FROM \(schema.qualifying("bookings").quoted)), (SELECT coalesce(max(payment_id), 0) FROM \(schema.qualifying("payments").quoted))"
      )
    ).single()
    try SyntheticMarketRecord(
      spec: spec, lastBookingID: try last.decode(Int64.self, at: 0), lastPaymentID: try last.decode(Int64.self, at: 1)
    ).write(connection, schema: schema)
    logger.info("seed: done", metadata: ["rows": "\(generator.summary.rows)"])
    return generator
  }

  private func prepareTables(_ connection: Connection, replace: Bool) throws {
    try connection.execute("CREATE SCHEMA IF NOT EXISTS \(schema.quoted)")
    for table in SourceTable.allCases {
      let name = schema.qualifying(table.rawValue)
      let exists = try connection.query("SELECT to_regclass(\(name.quoted)) IS NOT NULL").scalar(Bool.self)
      guard exists else { continue }
      let hasRows = try connection.query(SQLQuery(unsafeSQL: "SELECT EXISTS (SELECT 1 FROM \(name.quoted))"))
        .scalar(Bool.self)
      guard hasRows else { continue }
      if !replace {
        throw MarketplaceError(
          code: .sourceNotEmpty,
          message: "source table \(name) already holds rows; pass --replace to overwrite the source schema")
      }
      let marked = try connection.query(
        "SELECT obj_description(to_regclass(\(name.quoted)), 'pg_class') IS NOT DISTINCT FROM \(Self.tableComment)"
      ).scalar(Bool.self)
      if !marked {
        throw MarketplaceError(
          code: .sourceNotEmpty,
          message:
            "source table \(name) holds rows pricing seed did not write; it is never replaced (seed a database of its own)"
        )
      }
    }
    try connection.transaction { connection in
      for table in SourceTable.allCases.reversed() {
        try connection.execute("DROP TABLE IF EXISTS \(schema.qualifying(table.rawValue).quoted)")
      }
      // The record of an earlier seed and the days a simulation appended to it go with its tables.
      for table in Self.simulationTables {
        try connection.execute("DROP TABLE IF EXISTS \(schema.qualifying(table).quoted)")
      }
      try connection.execute("SET LOCAL search_path TO \(schema.quoted)")
      try connection.execute(SourceSchema.sql)
      for table in SourceTable.allCases {
        // A program constant, not data: COMMENT takes no bind parameters.
        try connection.execute(
          "COMMENT ON TABLE \(schema.qualifying(table.rawValue).quoted) IS '\(Self.tableComment)'")
      }
    }
  }

  /// Opens one COPY FROM STDIN per table (each on its own connection) and runs `generate` with an
  /// `emit` that routes each table's bytes to its stream.
  private func streamTables(
    _ tables: [SourceTable], over connections: [Connection],
    _ generate: ((SourceTable, [UInt8]) throws -> Void) throws -> Void
  ) throws {
    var writers: [SourceTable: CopyInWriter] = [:]
    func open(_ index: Int) throws {
      if index == tables.count {
        try generate { table, bytes in try writers[table]!.write(bytes) }
        return
      }
      let table = tables[index]
      let columns = table.columns.joined(separator: ", ")
      try connections[index].copyIn(
        "COPY \(schema.qualifying(table.rawValue).quoted) (\(columns)) FROM STDIN"
      ) { writer in
        writers[table] = writer
        try open(index + 1)
      }
    }
    try open(0)
  }
}
