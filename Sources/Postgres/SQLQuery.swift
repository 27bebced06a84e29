/// A SQL statement whose interpolated values become bound parameters.
///
/// ```swift
/// let query: SQLQuery = "SELECT * FROM bookings WHERE booking_id = \(id) AND status = \(status)"
/// // sql: "SELECT * FROM bookings WHERE booking_id = $1 AND status = $2", binds: [id, status]
/// ```
/// Literal segments are the only SQL text; every interpolated value is sent separately from the text,
/// so data can never change the statement. SQL that must be assembled from text (DDL with a validated
/// schema name, for example) is spelled `SQLQuery(unsafeSQL:)` so that it stands out in review.
public struct SQLQuery: ExpressibleByStringInterpolation, Sendable, CustomStringConvertible {
  /// One bound value in text format with its declared type.
  public struct Bind: Sendable, Equatable {
    public var text: String?
    public var typeName: String?
  }

  /// The statement with `$1`, `$2`... placeholders.
  public private(set) var sql: String
  public private(set) var binds: [Bind]

  /// Raw SQL with explicit binds; the caller vouches that `unsafeSQL` holds no data.
  public init(unsafeSQL: String, binds: [any PostgresEncodable] = []) {
    self.sql = unsafeSQL
    self.binds = binds.map { Bind(text: $0.postgresText, typeName: type(of: $0).postgresTypeName) }
  }

  public init(stringLiteral value: String) {
    self.sql = value
    self.binds = []
  }

  public init(stringInterpolation: StringInterpolation) {
    self.sql = stringInterpolation.sql
    self.binds = stringInterpolation.binds
  }

  public var description: String { sql }

  /// Appends another query, renumbering its placeholders.
  public mutating func append(_ other: SQLQuery) {
    sql += SQLQuery.renumber(other.sql, offset: binds.count)
    binds += other.binds
  }

  // MARK: - Interpolation

  public struct StringInterpolation: StringInterpolationProtocol {
    var sql = ""
    var binds: [Bind] = []

    public init(literalCapacity: Int, interpolationCount: Int) {
      sql.reserveCapacity(literalCapacity + interpolationCount * 3)
    }

    public mutating func appendLiteral(_ literal: String) { sql += literal }

    /// A value: becomes the next `$n`.
    public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value) {
      binds.append(Bind(text: value.postgresText, typeName: Value.postgresTypeName))
      sql += "$\(binds.count)"
    }

    /// An optional value: NULL when nil.
    public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
      binds.append(Bind(text: value?.postgresText, typeName: Value.postgresTypeName))
      sql += "$\(binds.count)"
    }

    /// A validated identifier (schema, table, column): inserted quoted, never as a bind.
    public mutating func appendInterpolation(_ identifier: SQLIdentifier) { sql += identifier.quoted }

    /// A qualified name `schema.table`, both validated and quoted.
    public mutating func appendInterpolation(_ name: SQLQualifiedName) { sql += name.quoted }
  }

  // MARK: - COPY, which cannot take binds

  /// The statement with each `$n` replaced by a typed read of a session setting `pricing.copy_param_n`.
  ///
  /// COPY does not accept parameters, so `Connection.copyOut` first sets each bind as a setting through
  /// a bound `set_config` call and then runs this rendering: values still never enter the SQL text.
  func renderForCopy() -> String {
    var result = ""
    var index = sql.startIndex
    while index < sql.endIndex {
      let character = sql[index]
      if character == "$" {
        var end = sql.index(after: index)
        while end < sql.endIndex, sql[end].isASCII, sql[end].isNumber { end = sql.index(after: end) }
        if let number = Int(sql[sql.index(after: index)..<end]), number >= 1, number <= binds.count {
          let bind = binds[number - 1]
          let type = bind.typeName ?? "text"
          if bind.text == nil {
            result += "NULL::\(type)"
          } else {
            result += "current_setting('pricing.copy_param_\(number)')::\(type)"
          }
          index = end
          continue
        }
      }
      result.append(character)
      index = sql.index(after: index)
    }
    return result
  }

  static func renumber(_ sql: String, offset: Int) -> String {
    guard offset > 0 else { return sql }
    var result = ""
    var index = sql.startIndex
    while index < sql.endIndex {
      if sql[index] == "$" {
        var end = sql.index(after: index)
        while end < sql.endIndex, sql[end].isASCII, sql[end].isNumber { end = sql.index(after: end) }
        if let number = Int(sql[sql.index(after: index)..<end]) {
          result += "$\(number + offset)"
          index = end
          continue
        }
      }
      result.append(sql[index])
      index = sql.index(after: index)
    }
    return result
  }
}
