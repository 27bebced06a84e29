import Foundation
import Logging
import Postgres
import Warehouse

/// Computes every table of the report in the warehouse: aggregation runs in SQL, only the small results
/// travel. All tables are read in one `REPEATABLE READ` transaction so that they describe the same moment
/// even while ingest or publish runs; it writes nothing but the temporary work tables of
/// `ReportCatalog.workTables` (dropped with it) and always ends in ROLLBACK.
public struct ReportGenerator {
  public let schema: WarehouseSchema
  public var logger: Logger

  public init(schema: WarehouseSchema, logger: Logger = Logger(label: "reports")) {
    self.schema = schema
    self.logger = logger
  }

  public func generate(
    _ connection: Connection, period: ReportPeriod, workTables: [ReportWorkTable] = ReportCatalog.workTables,
    specs: [ReportTableSpec] = ReportCatalog.tables
  ) throws -> Report {
    var tables: [String: ReportTable] = [:]
    do {
      try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
    } catch let error as PostgresError {
      throw ReportError(code: .query, message: error.description, context: "(begin)", underlying: error)
    }
    defer { try? connection.execute("ROLLBACK") }
    let generatedAt = try connection.query(
      "SELECT to_char(now(), 'YYYY-MM-DD HH24:MI:SS'), current_database()"
    ).single()
    for step in workTables {
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
    for spec in specs {
      let started = Date()
      tables[spec.id] = try fetch(spec, connection, period: period)
      logger.debug(
        "report table",
        metadata: [
          "table": "\(spec.id)", "rows": "\(tables[spec.id]?.rows.count ?? 0)",
          "seconds": "\(String(format: "%.3f", Date().timeIntervalSince(started)))",
        ])
    }
    return Report(
      period: period, generatedAt: try generatedAt.decode(String.self, at: 0),
      database: try generatedAt.decode(String.self, at: 1), tables: tables)
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
