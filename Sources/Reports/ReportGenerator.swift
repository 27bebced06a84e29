import Foundation
import Logging
import Postgres
import Warehouse

/// Computes every table of the report in the warehouse: aggregation runs in SQL, only the small results
/// travel. All tables are read in one `REPEATABLE READ` snapshot so that they describe the same moment
/// even while ingest or publish runs; it writes nothing but the temporary work tables of
/// `ReportCatalog.workTables` (dropped with it) and always ends in ROLLBACK.
///
/// Given a second session (`beside`), the tables marked `runsBeside` (the customer scans, which read no
/// work table) run on it at the same time as the others, in a transaction that imports the first one's
/// snapshot (`pg_export_snapshot`, `SET TRANSACTION SNAPSHOT`): the same moment, on two server processes.
/// Each session is used by one thread only.
public struct ReportGenerator: Sendable {
  public let schema: WarehouseSchema
  public var logger: Logger

  public init(schema: WarehouseSchema, logger: Logger = Logger(label: "reports")) {
    self.schema = schema
    self.logger = logger
  }

  /// One session's share of the report and its results, used by one thread only (its connection
  /// included).
  private final class Session: @unchecked Sendable {
    let connection: Connection
    let steps: [ReportWorkTable]
    let specs: [ReportTableSpec]
    var tables: [String: ReportTable] = [:]
    var error: (any Error)?

    init(_ connection: Connection, steps: [ReportWorkTable], specs: [ReportTableSpec]) {
      self.connection = connection
      self.steps = steps
      self.specs = specs
    }
  }

  public func generate(
    _ connection: Connection, beside: Connection? = nil, period: ReportPeriod,
    workTables: [ReportWorkTable] = ReportCatalog.workTables, specs: [ReportTableSpec] = ReportCatalog.tables
  ) throws -> Report {
    try begin(connection, "BEGIN ISOLATION LEVEL REPEATABLE READ")
    defer { try? connection.execute("ROLLBACK") }
    let generatedAt = try connection.query(
      "SELECT to_char(now(), 'YYYY-MM-DD HH24:MI:SS'), current_database()"
    ).single()
    var sessions = [Session(connection, steps: workTables, specs: specs)]
    if let beside, specs.contains(where: \.runsBeside) {
      let snapshot = try connection.query("SELECT pg_export_snapshot()").scalar(String.self)
      // A snapshot id is hex digits and dashes; anything else is not interpolated into SQL.
      guard !snapshot.isEmpty, snapshot.allSatisfy({ $0.isHexDigit || $0 == "-" }) else {
        throw ReportError(code: .query, message: "unexpected snapshot id \(snapshot)", context: "(begin)")
      }
      try begin(beside, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET TRANSACTION SNAPSHOT '\(snapshot)'")
      sessions = [
        Session(connection, steps: workTables, specs: specs.filter { !$0.runsBeside }),
        Session(beside, steps: [], specs: specs.filter(\.runsBeside)),
      ]
    }
    defer { if sessions.count > 1 { try? beside?.execute("ROLLBACK") } }
    let generator = self
    let shared = sessions
    let run: @Sendable (Int) -> Void = { index in
      let session = shared[index]
      do {
        for step in session.steps { try generator.create(step, session.connection, period: period) }
        for spec in session.specs {
          session.tables[spec.id] = try generator.timedFetch(spec, session.connection, period: period)
        }
      } catch {
        session.error = error
      }
    }
    if sessions.count == 1 {
      run(0)
    } else {
      DispatchQueue.concurrentPerform(iterations: sessions.count, execute: run)
    }
    if let error = sessions.compactMap(\.error).first { throw error }
    var tables: [String: ReportTable] = [:]
    for session in sessions { tables.merge(session.tables) { first, _ in first } }
    return Report(
      period: period, generatedAt: try generatedAt.decode(String.self, at: 0),
      database: try generatedAt.decode(String.self, at: 1), tables: tables)
  }

  private func begin(_ connection: Connection, _ sql: String) throws {
    do {
      try connection.execute(sql)
    } catch let error as PostgresError {
      throw ReportError(code: .query, message: error.description, context: "(begin)", underlying: error)
    }
  }

  private func create(_ step: ReportWorkTable, _ connection: Connection, period: ReportPeriod) throws {
    let started = Date()
    do {
      try connection.query(query(step, period: period))
    } catch let error as PostgresError {
      throw ReportError(code: .query, message: error.description, context: step.id, underlying: error)
    }
    logger.debug(
      "report work table",
      metadata: ["table": "\(step.id)", "seconds": "\(String(format: "%.3f", Date().timeIntervalSince(started)))"])
  }

  private func timedFetch(_ spec: ReportTableSpec, _ connection: Connection, period: ReportPeriod) throws
    -> ReportTable
  {
    let started = Date()
    let table = try fetch(spec, connection, period: period)
    logger.debug(
      "report table",
      metadata: [
        "table": "\(spec.id)", "rows": "\(table.rows.count)",
        "seconds": "\(String(format: "%.3f", Date().timeIntervalSince(started)))",
      ])
    return table
  }

  /// The query of one table with the schema filled in and the period bound.
  public func query(_ spec: some ReportSQL, period: ReportPeriod) -> SQLQuery {
    SQLQuery(unsafeSQL: withSchema(spec.sql), binds: spec.usesPeriod ? [period.from, period.to] : [])
  }

  /// The SQL with `{{schema}}` replaced by the validated, quoted schema name.
  private func withSchema(_ sql: String) -> String {
    sql.replacingOccurrences(of: "{{schema}}", with: schema.name.quoted)
  }

  /// The same queries as a psql script writing one CSV per table into `directory` (`COPY ... TO STDOUT
  /// \g file`), with the period bound through psql variables: the baseline of Benchmarks/report.sh.
  public func psqlScript(period: ReportPeriod, directory: String, specs: [ReportTableSpec] = ReportCatalog.tables)
    -> String
  {
    func bound(_ sql: String) -> String {
      withSchema(sql).replacingOccurrences(of: "$1", with: ":'from'::date").replacingOccurrences(
        of: "$2", with: ":'to'::date")
    }
    var script = "\\set from '\(period.from)'\n\\set to '\(period.to)'\n"
    script += "BEGIN ISOLATION LEVEL REPEATABLE READ;\n"
    for step in ReportCatalog.workTables { script += bound(step.sql) + ";\n" }
    for spec in specs {
      let sql = bound(spec.sql)
      let file = (directory as NSString).appendingPathComponent("\(spec.id).csv")
      script += "COPY (\n\(sql)\n) TO STDOUT WITH (FORMAT csv, HEADER) \\g '\(file)'\n"
    }
    return script + "ROLLBACK;\n"
  }

  func fetch(_ spec: ReportTableSpec, _ connection: Connection, period: ReportPeriod) throws -> ReportTable {
    do {
      let result = try connection.query(query(spec, period: period))
      return ReportTable(spec: spec, columns: result.columns, rows: result.rows.map(\.values))
    } catch let error as PostgresError {
      throw ReportError(code: .query, message: error.description, context: spec.id, underlying: error)
    }
  }
}
