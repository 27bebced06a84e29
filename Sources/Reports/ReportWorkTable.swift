/// A temporary table several report tables read, created at the start of the report's transaction and
/// dropped with it (`CREATE TEMP TABLE id ON COMMIT DROP AS ...`), so that a scan of the facts is shared.
public struct ReportWorkTable: ReportSQL {
  public let id: String
  public let sql: String

  public init(id: String, sql: String) {
    self.id = id
    self.sql = sql
  }
}
