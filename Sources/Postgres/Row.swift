/// One row of a `QueryResult`: text values by column, decoded on demand.
public struct Row: Sendable {
  public let values: [String?]
  let columns: [String]
  let rowIndex: Int

  init(values: [String?], columns: [String], rowIndex: Int) {
    self.values = values
    self.columns = columns
    self.rowIndex = rowIndex
  }

  /// Whether the column is SQL NULL.
  public func isNull(_ index: Int) -> Bool { values[index] == nil }

  /// Decodes a non-NULL column; NULL or a value of another shape throws `decodingFailed` naming the column.
  public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, at index: Int) throws -> T {
    guard let text = values[index] else {
      throw decodingError("is NULL", index: index, type: T.self)
    }
    guard let value = T(postgresText: text) else {
      throw decodingError("cannot be read as \(T.self)", index: index, type: T.self)
    }
    return value
  }

  /// Decodes a column that may be NULL.
  public func decode<T: PostgresDecodable>(_ type: T?.Type, at index: Int) throws -> T? {
    guard values[index] != nil else { return nil }
    return try decode(T.self, at: index)
  }

  /// Decodes by column name.
  public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, column name: String) throws -> T {
    try decode(T.self, at: try index(of: name))
  }

  /// Decodes a column that may be NULL, by name.
  public func decode<T: PostgresDecodable>(_ type: T?.Type, column name: String) throws -> T? {
    try decode(T?.self, at: try index(of: name))
  }

  private func index(of name: String) throws -> Int {
    guard let index = columns.firstIndex(of: name) else {
      throw PostgresError(code: .decodingFailed, message: "no column \"\(name)\" in the result")
    }
    return index
  }

  private func decodingError<T>(_ problem: String, index: Int, type: T.Type) -> PostgresError {
    PostgresError(
      code: .decodingFailed,
      message: "column \"\(columns[index])\" of row \(rowIndex + 1) \(problem)")
  }
}
