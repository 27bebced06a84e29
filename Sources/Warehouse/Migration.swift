/// One step of the pipeline schema's history.
///
/// `sql` is a template: `{{schema}}` stands for the configured schema name, inserted as a validated,
/// quoted identifier (the only text substitution; migrations hold no data). A migration, once released,
/// never changes: `checksum` lets `Migrator` notice an edited one.
public struct Migration: Sendable {
  public let version: Int
  public let name: String
  public let sql: String

  public init(version: Int, name: String, sql: String) {
    self.version = version
    self.name = name
    self.sql = sql
  }

  /// The SQL for a given schema.
  public func render(schema: SQLIdentifierText) -> String {
    sql.replacingOccurrences(of: "{{schema}}", with: schema.quoted)
  }

  /// FNV-1a of the template, as 16 hex digits.
  public var checksum: String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in sql.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x0000_0100_0000_01b3
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }
}

/// What `Migration.render` needs of a schema name.
public protocol SQLIdentifierText {
  var quoted: String { get }
}
