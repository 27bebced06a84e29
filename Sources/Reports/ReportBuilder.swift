import Foundation
import Logging
import Postgres
import Warehouse

/// `pricing report`: computes the report in the warehouse, renders the HTML and the CSVs, and writes the
/// folder all or nothing.
public struct ReportBuilder {
  public struct Outcome: Sendable {
    public let directory: URL
    public let files: Int
    public let rows: Int
  }

  public let schema: WarehouseSchema
  public var logger: Logger

  public init(schema: WarehouseSchema, logger: Logger = Logger(label: "reports")) {
    self.schema = schema
    self.logger = logger
  }

  /// Computes and writes the report; `warnings` go at the top of the page.
  public func build(_ connection: Connection, period: ReportPeriod, into directory: URL, warnings: [String] = [])
    throws -> Outcome
  {
    try ReportWriter(directory: directory).checkDestination()
    var report = try ReportGenerator(schema: schema, logger: logger).generate(connection, period: period)
    report.warnings = warnings
    return try write(report, into: directory)
  }

  /// The files of a computed report: `index.html` and one CSV per table.
  public static func files(_ report: Report) -> [(name: String, contents: String)] {
    var files = [(name: "index.html", contents: HTMLReportRenderer().render(report))]
    for spec in ReportCatalog.tables {
      guard let table = report[spec.id] else { continue }
      files.append((name: "\(spec.id).csv", contents: ReportCSVExporter.csv(table)))
    }
    return files
  }

  public func write(_ report: Report, into directory: URL) throws -> Outcome {
    let files = ReportBuilder.files(report)
    let written = try ReportWriter(directory: directory).write(files)
    let rows = report.tables.values.reduce(0) { $0 + $1.rows.count }
    logger.info("report written", metadata: ["path": "\(written.path)", "files": "\(files.count)", "rows": "\(rows)"])
    return Outcome(directory: written, files: files.count, rows: rows)
  }
}
