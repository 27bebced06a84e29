/// One table of the report: its CSV file (`id.csv`), its heading and caption in the HTML, and the SQL
/// that computes it in the warehouse.
///
/// The SQL follows `ReportSQL`'s conventions. It formats its own
/// numbers (money `round(x, 2)`, rates `round(x, 4)`) so that the CSV and the HTML show the same text.
public struct ReportTableSpec: ReportSQL {
  public let id: String
  public let title: String
  public let caption: String
  public let sql: String
  /// The HTML shows at most this many rows and says where the rest is (the CSV always has every row).
  public let htmlRowLimit: Int
  /// The query reads no work table and may run on a second session sharing the report's snapshot,
  /// beside the others (`ReportGenerator`): the long customer scans.
  public let runsBeside: Bool

  public init(
    id: String, title: String, caption: String, htmlRowLimit: Int = 60, runsBeside: Bool = false, sql: String
  ) {
    self.id = id
    self.title = title
    self.caption = caption
    self.sql = sql
    self.htmlRowLimit = htmlRowLimit
    self.runsBeside = runsBeside
  }
}
