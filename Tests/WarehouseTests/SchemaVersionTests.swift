import Postgres
import TestSupport
import Testing
import Warehouse

@Suite("The schema version every command but migrate requires")
struct SchemaVersionTests {
  private static let newest = WarehouseMigrations.all.map(\.version).max()!

  @Test("a database without the schema is refused, and nothing is created")
  func missing() throws {
    let (_, connection) = try TestDatabase.connect()
    let schema = try WarehouseSchema()
    #expect(try schema.appliedVersion(connection) == nil)
    let error = #expect(throws: WarehouseError.self) { try schema.requireMigrated(connection) }
    #expect(error?.code == .notMigrated)
    #expect(error?.description == "schema pricing is not in the warehouse: run pricing migrate first")
    #expect(try connection.query("SELECT to_regnamespace('pricing') IS NULL").scalar(Bool.self))
  }

  @Test("a schema behind this program's newest migration is refused with both versions", arguments: [1, 5, 8])
  func behind(applied: Int) throws {
    let (_, connection) = try TestDatabase.connect()
    let schema = try WarehouseSchema(name: "pricing_old")
    try Migrator(
      schema: schema, migrations: WarehouseMigrations.all.filter { $0.version <= applied },
      logger: TestDatabase.quietLogger
    ).migrate(connection)
    #expect(try schema.appliedVersion(connection) == applied)
    let error = #expect(throws: WarehouseError.self) { try schema.requireMigrated(connection) }
    #expect(error?.code == .notMigrated)
    #expect(
      error?.description
        == "schema pricing_old is at version \(applied), this program needs \(Self.newest): run pricing migrate first")
    try Migrator(schema: schema, logger: TestDatabase.quietLogger).migrate(connection)
    try schema.requireMigrated(connection)
  }

  @Test("a schema a newer program migrated is refused")
  func newer() throws {
    let (_, connection) = try TestDatabase.connect()
    let schema = try WarehouseSchema()
    let future = Migration(version: 10_000, name: "future", sql: "SELECT 1;")
    try Migrator(schema: schema, migrations: WarehouseMigrations.all + [future], logger: TestDatabase.quietLogger)
      .migrate(connection)
    let error = #expect(throws: WarehouseError.self) { try schema.requireMigrated(connection) }
    #expect(error?.code == .schemaTooNew)
    #expect(error?.description == "schema pricing is at version 10000, newer than this program's \(Self.newest)")
  }
}
