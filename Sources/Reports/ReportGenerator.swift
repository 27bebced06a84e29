import Foundation
import Logging
import Postgres
import Warehouse

/// Computes every table of the report in the warehouse: aggregation runs in SQL, only the small results
/// travel. All tables are read in one `REPEATABLE READ, READ ONLY` transaction so that they describe the
/// same moment even while ingest or publish runs.
public struct ReportGenerator {
  public let schema: WarehouseSchema
  public var logger: Logger

  public init(schema: WarehouseSchema, logger: Logger = Logger(label: "reports")) {
    self.schema = schema
    self.logger = logger
  }

  public func generate(_ connection: Connection, period: ReportPeriod, specs: [ReportTableSpec] = ReportCatalog.tables)
    throws -> Report
  {
    var tables: [String: ReportTable] = [:]
    do {
      try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    } catch let error as PostgresError {
      throw ReportError(code: .query, message: error.description, context: "(begin)", underlying: error)
    }
    defer { try? connection.execute("ROLLBACK") }
    let generatedAt = try connection.query(
      "SELECT to_char(now(), 'YYYY-MM-DD HH24:MI:SS'), current_database()"
    ).single()
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
  public func query(_ spec: ReportTableSpec, period: ReportPeriod) -> SQLQuery {
    let sql = spec.sql.replacingOccurrences(of: "{{schema}}", with: schema.name.quoted)
    return SQLQuery(unsafeSQL: sql, binds: spec.usesPeriod ? [period.from, period.to] : [])
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
