/// SQL of the report, written with the catalogue's conventions: the pipeline's tables as
/// `{{schema}}.table` (replaced by the validated, quoted schema name) and the period as `$1` (from) and
/// `$2` (to), both `date`, bound as parameters.
public protocol ReportSQL: Sendable {
  /// The CSV file's name (a table) or the temporary table's (a work table).
  var id: String { get }
  var sql: String { get }
}

extension ReportSQL {
  /// Whether the statement takes the period parameters.
  public var usesPeriod: Bool { sql.contains("$1") || sql.contains("$2") }
}
