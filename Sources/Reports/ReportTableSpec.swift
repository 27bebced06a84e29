/// One table of the report: its CSV file (`id.csv`), its heading and caption in the HTML, and the SQL
/// that computes it in the warehouse.
///
/// The SQL names the pipeline's tables as `{{schema}}.table` (replaced by the validated, quoted schema
/// name) and the period as `$1` (from) and `$2` (to), both `date`, bound as parameters. It formats its own
/// numbers (money `round(x, 2)`, rates `round(x, 4)`) so that the CSV and the HTML show the same text.
public struct ReportTableSpec: Sendable {
  public let id: String
  public let title: String
  public let caption: String
  public let sql: String
  /// The HTML shows at most this many rows and says where the rest is (the CSV always has every row).
  public let htmlRowLimit: Int

  public init(id: String, title: String, caption: String, htmlRowLimit: Int = 60, sql: String) {
    self.id = id
    self.title = title
    self.caption = caption
    self.sql = sql
    self.htmlRowLimit = htmlRowLimit
  }

  /// Whether the query takes the period parameters.
  public var usesPeriod: Bool { sql.contains("$1") || sql.contains("$2") }
}
