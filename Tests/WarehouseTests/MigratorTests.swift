import Foundation
import Postgres
import TestSupport
import Testing
import Warehouse

@Suite("Migrations of the pipeline schema")
struct MigratorTests {
  @Test("migrate creates the schema and applying it twice changes nothing")
  func idempotent() throws {
    let (_, connection) = try TestDatabase.connect()
    let migrator = Migrator(schema: try WarehouseSchema(), logger: TestDatabase.quietLogger)
    let first = try migrator.migrate(connection)
    #expect(first.appliedVersions == WarehouseMigrations.all.map(\.version))
    let tables = try connection.query(
      "SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables WHERE table_schema = 'pricing'"
    ).scalar(String.self)
    #expect(
      tables
        == "booking_facts,booking_service_days,candidate_factors,candidate_multipliers,candidate_overrides,cities,current_multipliers,"
        + "current_version,customer_first_bookings,demand_cells,expected_outcomes,experience_bands,exploration_cells,"
        + "feedback_facts,ingest_watermarks,model_runs,payment_facts,price_overrides,price_versions,providers,publish_events,"
        + "published_multipliers,quarantine,quote_facts,rating_days,reconciliation_exceptions,run_steps,runs,schema_migrations,"
        + "services,users")
    let second = try migrator.migrate(connection)
    #expect(second.appliedVersions == [])
    #expect(second.currentVersion == first.currentVersion)
    #expect(
      try connection.query("SELECT count(*) FROM pricing.schema_migrations").scalar(Int.self)
        == WarehouseMigrations.all.count)
  }

  @Test("the schema name is configurable and quoted")
  func customSchema() throws {
    let (_, connection) = try TestDatabase.connect()
    try Migrator(schema: try WarehouseSchema(name: "pricing_v2"), logger: TestDatabase.quietLogger).migrate(connection)
    #expect(try connection.query("SELECT count(*) FROM pricing_v2.experience_bands").scalar(Int.self) == 3)
  }

  @Test("an invalid schema name is a configuration error naming the problem")
  func invalidSchema() {
    let error = #expect(throws: WarehouseError.self) { try WarehouseSchema(name: "pricing; drop") }
    #expect(error?.code == .invalidConfiguration)
    #expect(
      error?.description
        == "warehouse schema: invalid SQL identifier \"pricing; drop\": may hold only lower-case letters, digits and underscores"
    )
  }

  @Test("concurrent migrations apply each version exactly once")
  func concurrent() async throws {
    let conninfo = try TestDatabase.create()
    let outcomes = try await withThrowingTaskGroup(of: [Int].self) { group in
      for _ in 0..<4 {
        group.addTask {
          let connection = try Connection(conninfo: conninfo, logger: TestDatabase.quietLogger)
          return try Migrator(schema: try WarehouseSchema(), logger: TestDatabase.quietLogger)
            .migrate(connection).appliedVersions
        }
      }
      return try await group.reduce(into: [[Int]]()) { $0.append($1) }
    }
    #expect(outcomes.flatMap { $0 }.sorted() == WarehouseMigrations.all.map(\.version))
  }

  @Test("a failing migration is rolled back with nothing half-applied, and reported")
  func failingMigration() throws {
    let (_, connection) = try TestDatabase.connect()
    let broken = Migration(
      version: 999, name: "broken", sql: "CREATE TABLE {{schema}}.half (id int); SELECT 1 / 0;")
    let migrator = Migrator(
      schema: try WarehouseSchema(), migrations: WarehouseMigrations.all + [broken], logger: TestDatabase.quietLogger)
    let error = #expect(throws: WarehouseError.self) { try migrator.migrate(connection) }
    #expect(error?.code == .migrationFailed)
    #expect(error?.description == "migration 999 (broken) failed: division by zero (SQLSTATE 22012)")
    #expect(try connection.query("SELECT to_regclass('pricing.half') IS NULL").scalar(Bool.self))
    #expect(
      try connection.query("SELECT max(version) FROM pricing.schema_migrations").scalar(Int.self)
        == WarehouseMigrations.all.last!.version)
  }

  @Test("a schema holding another application's tables is refused and left untouched; an empty one is used")
  func foreignSchema() throws {
    let (_, connection) = try TestDatabase.connect()
    try connection.execute(
      "CREATE TABLE public.bookings (booking_id bigint); CREATE TABLE public.users (user_id bigint)")
    let error = #expect(throws: WarehouseError.self) {
      try Migrator(schema: try WarehouseSchema(name: "public"), logger: TestDatabase.quietLogger).migrate(connection)
    }
    #expect(error?.code == .invalidConfiguration)
    #expect(
      error?.description
        == "schema public already holds 2 tables of another application: give the pipeline its own (--schema)")
    #expect(
      try connection.query("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").scalar(Int.self) == 2)

    try connection.execute("CREATE SCHEMA prepared_by_dba")
    let outcome = try Migrator(schema: try WarehouseSchema(name: "prepared_by_dba"), logger: TestDatabase.quietLogger)
      .migrate(connection)
    #expect(outcome.appliedVersions == WarehouseMigrations.all.map(\.version))
  }

  @Test("a database with a migration this program does not know is refused")
  func schemaTooNew() throws {
    let (_, connection) = try TestDatabase.connect()
    let future = Migration(version: 10_000, name: "future", sql: "SELECT 1;")
    try Migrator(
      schema: try WarehouseSchema(), migrations: WarehouseMigrations.all + [future], logger: TestDatabase.quietLogger
    ).migrate(connection)
    let error = #expect(throws: WarehouseError.self) {
      try Migrator(schema: try WarehouseSchema(), logger: TestDatabase.quietLogger).migrate(connection)
    }
    #expect(error?.code == .schemaTooNew)
  }
}
