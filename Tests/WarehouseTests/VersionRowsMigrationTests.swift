import Foundation
import Postgres
import TestSupport
import Testing
import Warehouse

/// Migration 8 (version rows): a warehouse published under migration 7 keeps serving the same prices, and
/// every version keeps its rows, also a version whose run's candidates had been pruned.
@Suite("Migration 8: a version's rows are its run's candidates")
struct VersionRowsMigrationTests {
  @Test("published versions keep their rows and the current prices serve unchanged")
  func upgradesPublishedVersions() throws {
    let (_, connection) = try TestDatabase.connect()
    let schema = try WarehouseSchema()
    try Migrator(
      schema: schema, migrations: WarehouseMigrations.all.filter { $0.version < 8 }, logger: TestDatabase.quietLogger
    ).migrate(connection)
    try connection.execute(
      """
      INSERT INTO pricing.runs (run_id, command, status) VALUES (1, 'fit', 'succeeded'), (2, 'fit', 'succeeded');
      INSERT INTO pricing.model_runs (run_id, as_of, history_start, holdout_start, horizon_days, family, converged,
        iterations, status, config, coefficients, elasticities, metrics, timings)
      SELECT r, '2026-03-01', '2025-03-01', '2026-02-01', 2, 'poisson', true, 6, 'fitted', '{}', '[]', '[]', '{}', '{}'
      FROM generate_series(1, 2) r;
      INSERT INTO pricing.candidate_multipliers VALUES
        (1, 'cleaning', 'Berlin', 'junior', '2026-03-02', 1.1, '{"base": 1.1}'),
        (1, 'cleaning', 'Berlin', 'junior', '2026-03-03', 0.9, '{"base": 0.9}'),
        (2, 'cleaning', 'Berlin', 'junior', '2026-03-02', 1.2, '{"base": 1.2}'),
        (2, 'cleaning', 'Berlin', 'junior', '2026-03-03', 0.8, '{"base": 0.8}');
      INSERT INTO pricing.price_versions (version_id, run_id, rows, published_at) VALUES
        (1, 1, 2, now()), (2, 2, 2, now()), (3, 1, 2, now());
      INSERT INTO pricing.published_multipliers
      SELECT v.version_id, c.category, c.city, c.experience_band, c.valid_on, c.multiplier
      FROM pricing.price_versions v JOIN pricing.candidate_multipliers c ON c.run_id = v.run_id;
      INSERT INTO pricing.current_version (version_id, previous_version_id) VALUES (2, 1);
      -- Run 1's candidates pruned under migration 7's retention (its versions kept their own rows).
      DELETE FROM pricing.candidate_multipliers WHERE run_id = 1;
      """)
    func rows(_ query: SQLQuery) throws -> [String] {
      try connection.query(query).rows.map { try $0.decode(String.self, at: 0) }
    }
    let everyVersion: SQLQuery =
      "SELECT version_id || ' ' || valid_on || ' ' || multiplier FROM pricing.published_multipliers ORDER BY 1"
    let current: SQLQuery =
      "SELECT version_id || ' ' || valid_on || ' ' || multiplier FROM pricing.current_multipliers ORDER BY 1"
    let versionsBefore = try rows(everyVersion)
    let currentBefore = try rows(current)

    let outcome = try Migrator(schema: schema, logger: TestDatabase.quietLogger).migrate(connection)
    #expect(outcome.appliedVersions.contains(8))
    #expect(try rows(current) == currentBefore)
    #expect(currentBefore == ["2 2026-03-02 1.2000", "2 2026-03-03 0.8000"])
    #expect(try rows(everyVersion) == versionsBefore)
    #expect(versionsBefore.count == 6)
    // Run 1's multipliers are back (from version 3, the newest of its versions; they are equal); its factors
    // were pruned with them and stay gone. Run 2's factors moved to their own table.
    #expect(
      try rows("SELECT valid_on || ' ' || multiplier FROM pricing.candidate_multipliers WHERE run_id = 1 ORDER BY 1")
        == ["2026-03-02 1.1000", "2026-03-03 0.9000"])
    #expect(
      try rows("SELECT run_id || ' ' || valid_on || ' ' || factors FROM pricing.candidate_factors ORDER BY 1")
        == [#"2 2026-03-02 {"base": 1.2}"#, #"2 2026-03-03 {"base": 0.8}"#])
    #expect(
      try rows(
        "SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 'candidate_multipliers'"
      ) == ["run_id,category,city,experience_band,valid_on,multiplier"])
    #expect(
      try rows("SELECT table_type FROM information_schema.tables WHERE table_name = 'published_multipliers'")
        == ["VIEW"])
    // The pointer carries its version's run, and cannot name another.
    #expect(try rows("SELECT version_id || ' ' || run_id FROM pricing.current_version") == ["2 2"])
    let mismatch = #expect(throws: PostgresError.self) {
      try connection.query("UPDATE pricing.current_version SET run_id = 1")
    }
    #expect(mismatch?.sqlState == "23503")
  }
}
