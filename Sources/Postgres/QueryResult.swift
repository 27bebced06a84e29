/// The rows of a statement, copied out of libpq's result (which is cleared at once).
///
/// Meant for small results (configuration, counts, a page of rows); bulk data goes through COPY.
public struct QueryResult: Sendable {
  public let columns: [String]
  public let rows: [Row]
  /// The number of rows the command touched (`PQcmdTuples`), for INSERT/UPDATE/DELETE/COPY.
  public let affectedRows: Int
  /// The statement's SQL text, for error messages.
  let query: String

  init(columns: [String], rows: [Row], affectedRows: Int, query: String) {
    self.columns = columns
    self.rows = rows
    self.affectedRows = affectedRows
    self.query = query
  }

  /// The only row; throws if there is none or more than one.
  public func single() throws -> Row {
    guard rows.count == 1 else {
      throw PostgresError(
        code: .decodingFailed, message: "expected exactly one row, got \(rows.count)", query: query)
    }
    return rows[0]
  }

  /// The first column of the only row, decoded.
  public func scalar<T: PostgresDecodable>(_ type: T.Type = T.self) throws -> T {
    try single().decode(T.self, at: 0)
  }
}
