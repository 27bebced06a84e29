import Postgres

/// The pipeline's own schema in the warehouse database (docs/contracts.md sections 2 and 4).
///
/// Its name is configurable (default `pricing`); it is validated as an identifier once, here, and every
/// statement of the stages names tables through `table(_:)`, which quotes both parts.
public struct WarehouseSchema: Sendable {
  public let name: SQLIdentifier

  public static let defaultName = "pricing"

  public init(name: String = WarehouseSchema.defaultName) throws {
    do {
      self.name = try SQLIdentifier(name)
    } catch let error as PostgresError {
      throw WarehouseError(code: .invalidConfiguration, message: "warehouse schema: \(error.message)")
    }
  }

  /// The session advisory lock a `pricing run` holds on this schema while it lives (`status` tests it to
  /// tell a live run from an interrupted one).
  public var runLockKey: Int64 { Connection.advisoryLockKey("pricing.run." + name.name) }

  /// `schema.table`, quoted.
  public func table(_ table: String) -> SQLQualifiedName { name.qualifying(table) }
}

extension SQLIdentifier: SQLIdentifierText {}
