import Foundation
import Postgres
import TestSupport
import Testing
import Warehouse

/// Migration 9: the fact tables ingest updates in place leave room on each page for HOT updates.
@Suite("Migration 9: fill factor of the updated fact tables")
struct FactFillFactorMigrationTests {
  @Test("booking_facts, payment_facts and demand_cells fill their pages to 90%; other tables keep the default")
  func fillFactors() throws {
    let (_, connection) = try TestDatabase.connect()
    let outcome = try Migrator(schema: try WarehouseSchema(), logger: TestDatabase.quietLogger).migrate(connection)
    #expect(outcome.appliedVersions.contains(9))
    let options = try connection.query(
      """
      SELECT c.relname::text, coalesce(array_to_string(c.reloptions, ','), '')
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'pricing' AND c.relname IN ('booking_facts', 'payment_facts', 'demand_cells', 'quote_facts')
      ORDER BY 1
      """
    ).rows.map { "\(try $0.decode(String.self, at: 0)): \(try $0.decode(String.self, at: 1))" }
    #expect(
      options == [
        "booking_facts: fillfactor=90", "demand_cells: fillfactor=90", "payment_facts: fillfactor=90", "quote_facts: ",
      ])
  }
}
