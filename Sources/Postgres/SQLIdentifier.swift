/// A validated SQL identifier (schema, table, column, channel name) for names that come from configuration.
///
/// Only lower-case ASCII letters, digits and `_`, starting with a letter or `_`, at most 63 bytes
/// (PostgreSQL's NAMEDATALEN - 1): anything else is refused rather than escaped, so that a name in a
/// configuration file means exactly the object it names. `quoted` is always double-quoted.
public struct SQLIdentifier: Hashable, Sendable, CustomStringConvertible {
  public let name: String

  /// The reason a candidate name is not a valid identifier, or nil when it is.
  public static func problem(with name: String) -> String? {
    if name.isEmpty { return "is empty" }
    if name.utf8.count > 63 { return "is longer than 63 bytes" }
    let bytes = Array(name.utf8)
    let first = bytes[0]
    guard (first >= 97 && first <= 122) || first == 95 else {
      return "must start with a lower-case letter or underscore"
    }
    for byte in bytes where !((byte >= 97 && byte <= 122) || (byte >= 48 && byte <= 57) || byte == 95) {
      return "may hold only lower-case letters, digits and underscores"
    }
    return nil
  }

  /// Validates `name`; throws `PostgresError.misuse` naming the problem.
  public init(_ name: String) throws {
    if let problem = SQLIdentifier.problem(with: name) {
      throw PostgresError(code: .misuse, message: "invalid SQL identifier \"\(name)\": \(problem)")
    }
    self.name = name
  }

  /// For names written in the source code; traps on an invalid one (a programming error).
  public init(constant name: String) {
    precondition(SQLIdentifier.problem(with: name) == nil, "invalid constant identifier \(name)")
    self.name = name
  }

  public var quoted: String { "\"" + name + "\"" }
  public var description: String { name }

  /// `self.table`, both quoted.
  public func qualifying(_ table: String) -> SQLQualifiedName {
    SQLQualifiedName(schema: self, name: SQLIdentifier(constant: table))
  }
}

/// `schema.name`, both parts validated identifiers.
public struct SQLQualifiedName: Hashable, Sendable, CustomStringConvertible {
  public let schema: SQLIdentifier
  public let name: SQLIdentifier
  public init(schema: SQLIdentifier, name: SQLIdentifier) {
    self.schema = schema
    self.name = name
  }
  public var quoted: String { schema.quoted + "." + name.quoted }
  public var description: String { schema.name + "." + name.name }
}
