import Foundation
import Logging
import Postgres
import Warehouse

/// `pricing report`: computes the report in the warehouse, decides what needs attention, renders the
/// HTML, the CSVs and `summary.json`, and writes the folder all or nothing (and, when asked, its archive).
public struct ReportBuilder {
  public struct Outcome: Sendable {
    public let directory: URL
    public let files: Int
    public let rows: Int
    public let attention: [AttentionItem]
    /// Why the archive could not be written (the current report was); nil when archived or not asked.
    public let archiveError: ReportError?
  }

  public let schema: WarehouseSchema
  public var settings: ReportSettings
  public var logger: Logger

  public init(
    schema: WarehouseSchema, settings: ReportSettings = ReportSettings(), logger: Logger = Logger(label: "reports")
  ) {
    self.schema = schema
    self.settings = settings
    self.logger = logger
  }

  /// Computes and writes the report. `calendar` is judged for a horizon starting `today`. A second
  /// session to the warehouse (`beside`), when given, runs the customer scans at the same time as the
  /// rest (`ReportGenerator`).
  public func build(
    _ connection: Connection, beside: Connection? = nil, period: ReportPeriod, into directory: URL,
    calendar: StatusReport.Calendar? = nil, today: LocalDate
  ) throws -> Outcome {
    try ReportWriter(directory: directory).checkDestination()
    var report = try ReportGenerator(schema: schema, logger: logger).generate(
      connection, beside: beside, period: period)
    report.attention = NeedsAttention(settings: settings).evaluate(
      report, calendar: calendar, today: today,
      interrupted: try RunRecorder.interruptedRuns(connection, schema: schema))
    return try write(report, into: directory, today: today)
  }

  /// The files of a computed report: `index.html`, one CSV per table and `summary.json`.
  public static func files(_ report: Report) -> [(name: String, contents: String)] {
    var files = [(name: "index.html", contents: HTMLReportRenderer().render(report))]
    for spec in ReportCatalog.tables {
      guard let table = report[spec.id] else { continue }
      files.append((name: "\(spec.id).csv", contents: ReportCSVExporter.csv(table)))
    }
    files.append((name: "summary.json", contents: ReportSummaryDocument.json(report)))
    return files
  }

  /// Writes a computed report (and, with `settings.archive`, its dated copy; retention never counts from
  /// after `today`, the period's last day when not given).
  public func write(_ report: Report, into directory: URL, today: LocalDate? = nil) throws -> Outcome {
    var report = report
    var archive: ReportArchive?
    if settings.archive {
      var copy = report
      copy.archiveLink = "../index.html"
      archive = ReportArchive(
        day: report.period.to, files: ReportBuilder.files(copy), keepDays: settings.keepDays,
        today: today ?? report.period.to)
      report.archiveLink = "\(ReportArchive.folderName)/index.html"
    }
    let files = ReportBuilder.files(report)
    let written = try ReportWriter(directory: directory).write(files, archive: archive)
    let rows = report.tables.values.reduce(0) { $0 + $1.rows.count }
    logger.info(
      "report written",
      metadata: [
        "path": "\(written.directory.path)", "files": "\(files.count)", "rows": "\(rows)",
        "attention": "\(report.attention.count)",
      ])
    for item in report.attention {
      logger.notice("needs attention", metadata: ["condition": "\(item.condition)", "message": "\(item.message)"])
    }
    return Outcome(
      directory: written.directory, files: files.count, rows: rows, attention: report.attention,
      archiveError: written.archiveError)
  }
}
