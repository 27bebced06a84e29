extension WarehouseMigrations {
  /// 7: `published_multipliers` loses its foreign key to `price_versions`. PostgreSQL checks a foreign key
  /// row by row: 3.2 s of the 7.1 s it took to write a million rows of a version (docs/benchmarks.md). The
  /// publisher writes a version's row and its rows in one transaction under the publish lock, and pruning
  /// deletes the rows with their version (`Publisher.prune`), which the cascade used to do.
  static let publishRows = Migration(
    version: 7, name: "publish_rows",
    sql: """
      ALTER TABLE {{schema}}.published_multipliers DROP CONSTRAINT IF EXISTS published_multipliers_version_id_fkey;
      """)
}
