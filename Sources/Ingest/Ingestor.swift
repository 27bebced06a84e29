import Foundation
import Logging
import Postgres
import Warehouse

/// `pricing ingest`: copies what changed in the booking platform's tables into the warehouse.
///
/// One run = one read-only REPEATABLE READ snapshot of the source and one warehouse transaction. Each
/// table's rows stream from `COPY (SELECT ...) TO STDOUT` on the source straight into `COPY ... FROM
/// STDIN` of a temporary staging table in the warehouse (text format, typed by the staging columns: the
/// bytes are never held whole, and values are parsed once, by the server); the staged batch is checked
/// against the named validation rules in SQL (`TableLoad`), failing rows go to `quarantine`, passing
/// rows are merged into the facts by primary key, and the watermark advances, all in the same
/// transaction. Payment totals and reconciliation exceptions are then recomputed for the bookings the
/// batch touched. A run killed at any point leaves the warehouse as it was; the next run repeats it.
///
/// A session-level advisory lock on the warehouse keeps ingests single: a second one fails at once
/// with `IngestError.locked`.
public struct Ingestor {
  public let options: IngestOptions
  public let logger: Logger
  /// Called with (table, rows so far) while a table streams; for a progress line on a terminal.
  public var progress: (@Sendable (String, Int) -> Void)?

  public init(options: IngestOptions, logger: Logger) {
    self.options = options
    self.logger = logger
  }

  public static func lockKey(_ schema: WarehouseSchema) -> Int64 {
    Connection.advisoryLockKey("pricing.ingest." + schema.name.name)
  }

  public func run() throws -> IngestSummary {
    let schema = options.warehouse
    let warehouse = try Connection(conninfo: options.warehouseConninfo, logger: logger)
    try schema.requireMigrated(warehouse)
    let lockKey = Self.lockKey(schema)
    guard try warehouse.tryAdvisoryLock(lockKey) else {
      throw IngestError(code: .locked, message: "another ingest holds the lock on schema \(schema.name)")
    }
    defer { _ = try? warehouse.advisoryUnlock(lockKey) }
    let recorderConnection = try Connection(conninfo: options.warehouseConninfo, logger: logger)
    let parameters = "{\"full\": \(options.full), \"overlap_seconds\": \(options.overlapSeconds)}"
    let recorder = try RunRecorder(
      connection: recorderConnection, schema: schema, command: "ingest", parameters: parameters)
    try recorder.begin(step: "ingest")
    let started = Date()
    do {
      let source = try Connection(conninfo: options.sourceConninfo, logger: logger)
      let summary = try source.transaction(isolation: .repeatableRead, readOnly: true) { source in
        try warehouse.transaction { warehouse in
          try ingest(source: source, warehouse: warehouse, runID: recorder.runID)
        }
      }
      vacuumLargeLoads(summary, warehouse: warehouse)
      let rows = summary.tables.reduce(0) { $0 + $1.read }
      let details = String(decoding: try JSONEncoder().encode(summary), as: UTF8.self)
      try recorder.end(
        step: "ingest", status: "succeeded", rows: Int64(rows), exitCode: 0, error: nil, details: details)
      try recorder.finish(status: "succeeded", exitCode: 0, error: nil)
      logger.info(
        "ingest finished", metadata: ["run_id": "\(recorder.runID)", "seconds": "\(Date().timeIntervalSince(started))"])
      return summary
    } catch {
      let message = String(describing: error)
      try? recorder.end(step: "ingest", status: "failed", rows: nil, exitCode: nil, error: message)
      try? recorder.finish(status: "failed", exitCode: options.exitCode(error), error: message)
      throw error
    }
  }

  /// After a batch that wrote at least `largeLoadRows` rows into `booking_facts` (a first or full load),
  /// `VACUUM (ANALYZE)` it once the run has committed: the report reads customers' bookings from an index
  /// alone, which needs the visibility map that only a vacuum sets (autovacuum would get there later; the
  /// nightly run reads the table a minute after), and the planner gets fresh statistics. The other fact
  /// tables are left to autovacuum. A failure is only logged: the data is in.
  static let largeLoadRows = 500_000
  static let vacuumedAfterLargeLoads: Set<String> = ["booking_facts"]

  private func vacuumLargeLoads(_ summary: IngestSummary, warehouse: Connection) {
    for table in summary.tables where table.inserted + table.updated >= Self.largeLoadRows {
      guard let load = TableLoad.all.first(where: { $0.spec.name == table.table }),
        Self.vacuumedAfterLargeLoads.contains(load.factTable)
      else { continue }
      let fact = options.warehouse.table(load.factTable).quoted
      let started = Date()
      do {
        try warehouse.execute("VACUUM (ANALYZE) \(fact)")
        logger.info(
          "vacuumed after a large load",
          metadata: [
            "table": "\(load.factTable)", "seconds": "\(String(format: "%.1f", Date().timeIntervalSince(started)))",
          ])
      } catch {
        logger.warning(
          "could not vacuum after a large load", metadata: ["table": "\(load.factTable)", "error": "\(error)"])
      }
    }
  }

  // MARK: - The run

  private func ingest(source: Connection, warehouse: Connection, runID: Int64) throws -> IngestSummary {
    let snapshot = try source.query("SELECT now()").scalar(Date.self)
    let present = try checkSourceContract(source)
    // Batches look facts up by key: with the default random_page_cost (4, tuned for spinning disks) the
    // planner prefers scanning millions of rows to a hundred thousand index lookups.
    try warehouse.execute("SET LOCAL random_page_cost = 1.1")
    try warehouse.execute(
      "CREATE TEMP TABLE known_time_zones ON COMMIT DROP AS SELECT DISTINCT name FROM pg_timezone_names")
    var tables: [IngestSummary.Table] = []
    var skipped: [String] = []
    for load in TableLoad.all {
      guard present.contains(load.spec.name) else {
        skipped.append(load.spec.name)
        // Later steps join the checked batch: give them an empty one.
        try warehouse.execute(
          """
          CREATE TEMP TABLE \(load.checkedTable) ON COMMIT DROP AS
          SELECT NULL::bigint AS \(load.spec.key), NULL::text AS rule, NULL::text AS service_category,
                 NULL::text AS service_city, NULL::timestamptz AS scheduled_for, NULL::text AS time_zone,
                 NULL::numeric AS multiplier, NULL::text AS old_category, NULL::text AS old_city,
                 NULL::date AS old_local_date, NULL::numeric AS old_multiplier, NULL::boolean AS old_source_deleted
          WHERE false
          """)
        continue
      }
      tables.append(try ingestTable(load, source: source, warehouse: warehouse, runID: runID, snapshot: snapshot))
    }
    let full = options.full || tables.first { $0.table == "bookings" }?.full == true
    let reconciliation = Reconciliation(schema: options.warehouse)
    try reconciliation.refresh(warehouse, runID: runID, everything: full)
    try DemandCells(schema: options.warehouse).refresh(warehouse, runID: runID, everything: full)
    try CustomerFirstBookings(schema: options.warehouse).refresh(warehouse, runID: runID, everything: full)
    let open = try warehouse.query("SELECT count(*) FROM \(options.warehouse.table("reconciliation_exceptions"))")
      .scalar(Int.self)
    return IngestSummary(runID: runID, tables: tables, openExceptions: open, skippedTables: skipped)
  }

  /// Throws if a required table or any contract column is missing or of a type that does not convert to
  /// the contract's (`SourceTableSpec.accepts`).
  /// The contract's tables present in the source (the optional ones may be absent). Read from the
  /// catalog, which lists tables whatever the role may read (`information_schema` hides what it cannot),
  /// so that a missing grant is told from a missing table.
  private func checkSourceContract(_ source: Connection) throws -> Set<String> {
    let rows = try source.query(
      """
      SELECT c.relname::text, a.attname::text,
             has_schema_privilege(n.oid, 'USAGE') AND has_column_privilege(c.oid, a.attnum, 'SELECT'),
             format_type(coalesce(nullif(t.typbasetype, 0), a.atttypid), NULL)
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      JOIN pg_type t ON t.oid = a.atttypid
      WHERE n.nspname = \(options.sourceSchema.name) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
      """
    ).rows
    var columns: [String: [String: (readable: Bool, type: String)]] = [:]
    for row in rows {
      columns[try row.decode(String.self, at: 0), default: [:]][try row.decode(String.self, at: 1)] =
        (try row.decode(Bool.self, at: 2), try row.decode(String.self, at: 3))
    }
    var present: Set<String> = []
    for spec in SourceTableSpec.all {
      let table = "\(options.sourceSchema).\(spec.name)"
      guard let found = columns[spec.name] else {
        if spec.optional { continue }
        throw IngestError(code: .sourceContract, message: "source table \(table) is missing")
      }
      for (column, contractType) in spec.columns {
        guard let (readable, type) = found[column] else {
          throw IngestError(code: .sourceContract, message: "source table \(table) has no column \(column)")
        }
        guard SourceTableSpec.accepts(contractType, from: type) else {
          throw IngestError(
            code: .sourceContract,
            message: "source column \(table).\(column) is \(type); the contract says \(contractType)")
        }
        guard readable else {
          throw IngestError(
            code: .sourcePermission,
            message: "source table \(table) is not readable by this role (column \(column)): grant it SELECT")
        }
      }
      present.insert(spec.name)
    }
    return present
  }

  private func ingestTable(
    _ load: TableLoad, source: Connection, warehouse: Connection, runID: Int64, snapshot: Date
  ) throws -> IngestSummary.Table {
    let started = Date()
    let spec = load.spec
    let schema = options.warehouse
    let sql = WarehouseSQL(load: load, schema: schema)
    let mark = try warehouse.query(
      "SELECT watermark, max_key FROM \(schema.table("ingest_watermarks")) WHERE source_table = \(spec.name)"
    ).rows.first
    let watermark = try mark?.decode(Date?.self, at: 0)
    let maxKey = try mark?.decode(Int64?.self, at: 1)
    // Full on the first run (no watermark row yet), with --full, and always for reference tables.
    let full = options.full || mark == nil || spec.tracking == .alwaysFull
    var table = IngestSummary.Table(table: spec.name, full: full)

    // 1. Stream the changed rows into a staging table.
    try warehouse.execute(sql.createStage)
    let extraction = try extractionQuery(spec, full: full, watermark: watermark, maxKey: maxKey, warehouse: warehouse)
    var chunks = 0
    let progress = self.progress
    table.read = try warehouse.copyIn(sql.copyIntoStage) { writer in
      try source.copyOut(extraction) { chunk in
        try writer.write(chunk)
        chunks += 1
        if chunks % 100_000 == 0 { progress?(spec.name, chunks) }
      }
    }
    try warehouse.execute("ANALYZE pg_temp.\(load.stageTable)")

    // 2. Check, quarantine, merge.
    if spec.name == "bookings" {
      try warehouse.execute(full ? batchPaymentTotalsOfAll : batchPaymentTotalsOfChanges)
    }
    let binds: [any PostgresEncodable] = [runID, snapshot]
    try warehouse.query(SQLQuery(unsafeSQL: sql.createChecked(full: full), binds: binds))
    try warehouse.execute("ANALYZE \(load.checkedTable)")
    // Releasing rows from quarantine and removing quarantined facts each scan the whole checked batch:
    // skipped when there is nothing they could touch (a first load of ten million rows saves seconds).
    let hadQuarantine = try warehouse.query(SQLQuery(unsafeSQL: sql.quarantineHoldsTable)).scalar(Bool.self)
    let factIsEmpty = try warehouse.query(SQLQuery(unsafeSQL: sql.factIsEmpty)).scalar(Bool.self)
    table.quarantined = try warehouse.query(SQLQuery(unsafeSQL: sql.quarantine, binds: binds)).affectedRows
    if hadQuarantine {
      table.released = try warehouse.query(SQLQuery(unsafeSQL: sql.releaseFromQuarantine)).affectedRows
    }
    if factIsEmpty {
      table.inserted = try loadIntoEmpty(sql, warehouse: warehouse, binds: binds)
    } else {
      table.removed = try warehouse.query(SQLQuery(unsafeSQL: sql.removeQuarantinedFacts)).affectedRows
      let merged = try warehouse.query(SQLQuery(unsafeSQL: sql.merge, binds: binds)).single()
      table.inserted = try merged.decode(Int.self, at: 0)
      table.updated = try merged.decode(Int.self, at: 1)
    }
    if full && options.full && load.tracksDeletion {
      table.markedDeleted = try warehouse.query(SQLQuery(unsafeSQL: sql.markDeleted)).affectedRows
    }

    // 3. Advance the watermark in the same transaction.
    try warehouse.query(SQLQuery(unsafeSQL: sql.advanceWatermark, binds: binds))
    table.seconds = Date().timeIntervalSince(started)
    logger.info(
      "ingested \(spec.name)",
      metadata: [
        "mode": "\(full ? "full" : "incremental")", "read": "\(table.read)", "inserted": "\(table.inserted)",
        "updated": "\(table.updated)", "quarantined": "\(table.quarantined)",
      ])
    return table
  }

  /// The first load into an empty fact table (the first run, millions of rows): the secondary indexes and
  /// the primary key are dropped, the rows inserted plainly, the key and the indexes built again in one
  /// pass each and the table analysed, all inside the run's transaction (a failure restores them with
  /// everything else). Building an index once is several times cheaper than maintaining it row by row,
  /// and an INSERT into an empty table needs no conflict handling; a batch holds each key once, so the key
  /// is rebuilt without conflict. The definitions come from the server's catalog (`pg_get_indexdef`,
  /// `pg_get_constraintdef`), not from data.
  private func loadIntoEmpty(_ sql: WarehouseSQL, warehouse: Connection, binds: [any PostgresEncodable]) throws -> Int {
    let fact = options.warehouse.table(sql.load.factTable).quoted
    let indexes = try warehouse.query(SQLQuery(unsafeSQL: sql.secondaryIndexes)).rows.map {
      (name: try $0.decode(String.self, at: 0), definition: try $0.decode(String.self, at: 1))
    }
    let primaryKey = try warehouse.query(SQLQuery(unsafeSQL: sql.primaryKey)).rows.first.map {
      (name: try SQLIdentifier($0.decode(String.self, at: 0)), definition: try $0.decode(String.self, at: 1))
    }
    for index in indexes {
      try warehouse.execute("DROP INDEX \(options.warehouse.table(index.name).quoted)")
    }
    if let primaryKey { try warehouse.execute("ALTER TABLE \(fact) DROP CONSTRAINT \(primaryKey.name.quoted)") }
    // The report's day sums are rebuilt once from the loaded facts rather than row by row by their triggers.
    let sums = WarehouseMigrations.reportSumTables.contains(sql.load.factTable)
    if sums { try warehouse.execute("ALTER TABLE \(fact) DISABLE TRIGGER USER") }
    let inserted = try warehouse.query(SQLQuery(unsafeSQL: sql.insertIntoEmpty, binds: binds)).affectedRows
    if sums { try warehouse.execute("ALTER TABLE \(fact) ENABLE TRIGGER USER") }
    if let primaryKey {
      try warehouse.execute("ALTER TABLE \(fact) ADD CONSTRAINT \(primaryKey.name.quoted) \(primaryKey.definition)")
    }
    for index in indexes { try warehouse.execute(index.definition) }
    try warehouse.execute("ANALYZE \(fact)")
    if sums {
      try warehouse.execute("SET LOCAL work_mem = '256MB'")
      try warehouse.execute(WarehouseMigrations.rebuildReportSums(after: sql.load.factTable, schema: options.warehouse))
      try warehouse.execute("RESET work_mem")
    }
    return inserted
  }

  /// The payment totals of every booking, from the payments merged just before (a full batch holds
  /// every booking: no filter by its keys).
  private var batchPaymentTotalsOfAll: String {
    """
    CREATE TEMP TABLE batch_payment_totals ON COMMIT DROP AS
    SELECT p.booking_id, \(Reconciliation.paymentTotals)
    FROM \(options.warehouse.table("payment_facts").quoted) p
    WHERE NOT p.source_deleted
    GROUP BY p.booking_id
    """
  }

  /// The payment totals of an incremental batch's bookings that need them. Facts always hold current
  /// totals (each run recomputes those of the bookings whose payments it read, in the batch or by
  /// reconciliation), so only bookings new to the facts and bookings with payments in this run are totalled
  /// from their payments (a row each, zeros without payments); the others keep their facts' totals
  /// (`TableLoad.bookings`' enrichment), and a 1% change of bookings reads no payment.
  private var batchPaymentTotalsOfChanges: String {
    let facts = options.warehouse.table("booking_facts").quoted
    return """
      CREATE TEMP TABLE batch_payment_totals ON COMMIT DROP AS
      SELECT r.booking_id, \(Reconciliation.paymentTotals)
      FROM (SELECT s.booking_id FROM pg_temp.stage_bookings s
            WHERE NOT EXISTS (SELECT 1 FROM \(facts) f WHERE f.booking_id = s.booking_id)
               OR EXISTS (SELECT 1 FROM pg_temp.checked_payments cp WHERE cp.booking_id = s.booking_id)) r
      LEFT JOIN \(options.warehouse.table("payment_facts").quoted) p
        ON p.booking_id = r.booking_id AND NOT p.source_deleted
      GROUP BY r.booking_id
      """
  }

  /// The source query: everything, or what changed since the watermark (minus the overlap), plus the
  /// rows currently quarantined (by key), in one scan: the parts are ORed, which PostgreSQL answers with a
  /// bitmap OR of the source's indexes (on `updated_at`, on the key) where they exist.
  private func extractionQuery(
    _ spec: SourceTableSpec, full: Bool, watermark: Date?, maxKey: Int64?, warehouse: Connection
  ) throws -> SQLQuery {
    let table = options.sourceSchema.qualifying(spec.name)
    let select = "SELECT \(spec.columnList) FROM \(table.quoted)"
    guard !full else { return SQLQuery(unsafeSQL: "COPY (\(select)) TO STDOUT") }
    let retry = try warehouse.query(
      """
      SELECT '{' || coalesce(string_agg(source_key, ','), '') || '}' FROM \(options.warehouse.table("quarantine"))
      WHERE source_table = \(spec.name)
      """
    ).scalar(String.self)
    // One scan of the source table: changed rows, rows without a change time, and quarantined keys to retry.
    var query = SQLQuery(unsafeSQL: "COPY (\(select) WHERE")
    switch spec.tracking {
    case .updatedAt:
      // A table that was empty last time has no watermark yet: read it all.
      let since = watermark ?? Date(timeIntervalSince1970: -3_000_000_000)
      query.append(" updated_at > \(since) - make_interval(secs => \(options.overlapSeconds))")
      query.append(SQLQuery(unsafeSQL: " OR updated_at IS NULL OR"))
    case .appendOnlyByKey:
      query.append(SQLQuery(unsafeSQL: " \(spec.key) >"))
      query.append(" \(maxKey ?? Int64.min) OR")
    case .alwaysFull:
      break
    }
    query.append(SQLQuery(unsafeSQL: " \(spec.key) = ANY("))
    query.append("\(retry)::bigint[])) TO STDOUT")
    return query
  }
}
