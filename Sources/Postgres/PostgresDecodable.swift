import Foundation

/// A Swift type that can be read from a column in PostgreSQL's text output format.
///
/// Each conformance accepts exactly the server's spelling for its types and fails (returns nil) on
/// anything else, so that a schema mismatch surfaces as a decoding error naming the column.
public protocol PostgresDecodable {
  init?(postgresText text: String)
}

extension String: PostgresDecodable {
  public init?(postgresText text: String) { self = text }
}

extension Int64: PostgresDecodable {
  /// `bigint`, `integer`, `smallint`.
  public init?(postgresText text: String) { self.init(text, radix: 10) }
}

extension Int32: PostgresDecodable {
  /// `integer`, `smallint`.
  public init?(postgresText text: String) { self.init(text, radix: 10) }
}

extension Int: PostgresDecodable {
  public init?(postgresText text: String) { self.init(text, radix: 10) }
}

extension Double: PostgresDecodable {
  /// `double precision`, `real`, and `numeric` when an approximation is wanted; `NaN`, `Infinity` too.
  public init?(postgresText text: String) {
    switch text {
    case "NaN": self = .nan
    case "Infinity": self = .infinity
    case "-Infinity": self = -.infinity
    default: self.init(text)
    }
  }
}

extension Bool: PostgresDecodable {
  public init?(postgresText text: String) {
    switch text {
    case "t": self = true
    case "f": self = false
    default: return nil
    }
  }
}

extension Decimal: PostgresDecodable {
  /// `numeric`, exactly: values with more than 38 significant digits (Decimal's limit) are refused
  /// rather than rounded, and so are `NaN` and the infinities.
  public init?(postgresText text: String) {
    var significant = 0
    var seenNonZero = false
    for byte in text.utf8 {
      switch byte {
      case 48...57:
        if byte != 48 { seenNonZero = true }
        if seenNonZero { significant += 1 }
      case UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "+"): continue
      default: return nil
      }
    }
    // Trailing zeros after the point are not significant for representability.
    if let dot = text.firstIndex(of: ".") {
      let trailingZeros = text[dot...].reversed().prefix { $0 == "0" }.count
      significant -= min(trailingZeros, significant)
    }
    guard significant <= 38, let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
      return nil
    }
    self = value
  }
}

extension LocalDate: PostgresDecodable {
  /// `date` in ISO style.
  public init?(postgresText text: String) { self.init(iso: text) }
}

extension Date: PostgresDecodable {
  /// `timestamptz` (or `timestamp`, read as UTC) in ISO style.
  public init?(postgresText text: String) {
    guard let value = PostgresTimestamp.parse(text) else { return nil }
    self = value
  }
}
