import Postgres

/// A computed report: when and for what period it was made, and every table of `ReportCatalog`.
public struct Report: Sendable {
  public let period: ReportPeriod
  /// UTC, `YYYY-MM-DD HH:MM:SS`.
  public let generatedAt: String
  public let database: String
  public let tables: [String: ReportTable]
  /// Warnings shown at the top of the page (the holiday calendar running out before the horizon).
  public var warnings: [String] = []

  public init(
    period: ReportPeriod, generatedAt: String, database: String, tables: [String: ReportTable], warnings: [String] = []
  ) {
    self.period = period
    self.generatedAt = generatedAt
    self.database = database
    self.tables = tables
    self.warnings = warnings
  }

  public subscript(id: String) -> ReportTable? { tables[id] }
}
