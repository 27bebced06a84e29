import Postgres

/// A computed report: when and for what period it was made, every table of `ReportCatalog`, and what
/// needs an admin's attention.
public struct Report: Sendable {
  public let period: ReportPeriod
  /// UTC, `YYYY-MM-DD HH:MM:SS`.
  public let generatedAt: String
  public let database: String
  public let tables: [String: ReportTable]
  /// The "Needs attention" list at the top of the page (`NeedsAttention`).
  public var attention: [AttentionItem] = []
  /// Where the page links to the list of earlier reports, when the folder keeps an archive:
  /// `archive/index.html` from the current report, `../index.html` from an archived copy.
  public var archiveLink: String?

  public init(
    period: ReportPeriod, generatedAt: String, database: String, tables: [String: ReportTable],
    attention: [AttentionItem] = []
  ) {
    self.period = period
    self.generatedAt = generatedAt
    self.database = database
    self.tables = tables
    self.attention = attention
  }

  public subscript(id: String) -> ReportTable? { tables[id] }
}
