import Foundation

/// A Swift value that can travel to PostgreSQL as a bound parameter (text format).
///
/// `postgresTypeName` is the SQL type the parameter is declared as; it is also used to cast settings in
/// the COPY parameter path (see `SQLQuery.renderForCopy`). `nil` leaves the type to the server
/// (like an untyped literal), which is what strings use so that they coerce to `text`, `date`, `jsonb`...
public protocol PostgresEncodable {
  /// The parameter in PostgreSQL's text input format, or nil for SQL NULL.
  var postgresText: String? { get }
  /// The declared type (`int8`, `numeric`...), or nil to let the server infer it.
  static var postgresTypeName: String? { get }
}

extension String: PostgresEncodable {
  public var postgresText: String? { self }
  public static var postgresTypeName: String? { nil }
}

extension Int: PostgresEncodable {
  public var postgresText: String? { String(self) }
  public static var postgresTypeName: String? { "int8" }
}

extension Int64: PostgresEncodable {
  public var postgresText: String? { String(self) }
  public static var postgresTypeName: String? { "int8" }
}

extension Int32: PostgresEncodable {
  public var postgresText: String? { String(self) }
  public static var postgresTypeName: String? { "int4" }
}

extension Double: PostgresEncodable {
  /// NaN and the infinities use PostgreSQL's spellings so that a CHECK constraint sees them.
  public var postgresText: String? {
    if isNaN { return "NaN" }
    if isInfinite { return self > 0 ? "Infinity" : "-Infinity" }
    return "\(self)"
  }
  public static var postgresTypeName: String? { "float8" }
}

extension Bool: PostgresEncodable {
  public var postgresText: String? { self ? "t" : "f" }
  public static var postgresTypeName: String? { "bool" }
}

extension Decimal: PostgresEncodable {
  public var postgresText: String? { self.isNaN ? "NaN" : NSDecimalNumber(decimal: self).description(withLocale: nil) }
  public static var postgresTypeName: String? { "numeric" }
}

extension LocalDate: PostgresEncodable {
  public var postgresText: String? { description }
  public static var postgresTypeName: String? { "date" }
}

extension Date: PostgresEncodable {
  /// An instant as an ISO 8601 UTC timestamp with microseconds.
  public var postgresText: String? { PostgresTimestamp.format(self) }
  public static var postgresTypeName: String? { "timestamptz" }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
  public var postgresText: String? { self.flatMap { $0.postgresText } }
  public static var postgresTypeName: String? { Wrapped.postgresTypeName }
}
