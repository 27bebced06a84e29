import Postgres
import Warehouse

/// The warehouse statements for one table's batch, generated from its `TableLoad`.
///
/// Identifiers come from the program (table and column names of the contract) or from configuration
/// (the schema, validated and quoted); values travel as binds ($1 run id, $2 snapshot time).
struct WarehouseSQL {
  let load: TableLoad
  let schema: WarehouseSchema

  private var spec: SourceTableSpec { load.spec }
  private var fact: String { schema.table(load.factTable).quoted }
  private var quarantineTable: String { schema.table("quarantine").quoted }
  private func resolve(_ text: String) -> String {
    text.replacingOccurrences(of: "{{schema}}", with: schema.name.quoted)
  }

  var createStage: String {
    let columns = spec.columns.map { "\($0.name) \($0.type)" }.joined(separator: ", ")
    return "CREATE TEMP TABLE \(load.stageTable) (\(columns)) ON COMMIT DROP"
  }

  var copyIntoStage: String { "COPY pg_temp.\(load.stageTable) (\(spec.columnList)) FROM STDIN" }

  /// The staged rows with their parents' columns and the first rule they fail (NULL: valid). The token
  /// `{{incremental}}` in the enrichment becomes the SQL constant `true` or `false` (the batch's mode).
  func createChecked(full: Bool) -> String {
    let enrichment = (load.enrichment.isEmpty ? "" : ", " + load.enrichment.joined(separator: ", "))
      .replacingOccurrences(of: "{{incremental}}", with: full ? "false" : "true")
    let rules = load.rules.map { "WHEN \($0.condition) THEN '\($0.name)'" }.joined(separator: " ")
    return resolve(
      """
      CREATE TEMP TABLE \(load.checkedTable) ON COMMIT DROP AS
      SELECT c.*, CASE \(rules) END AS rule
      FROM (SELECT s.*\(enrichment) FROM pg_temp.\(load.stageTable) s \(load.joins)) c
      """)
  }

  private var keyText: String { "c.\(spec.key)::text" }

  var quarantine: String {
    let details = load.rules.map { "WHEN \($0.condition) THEN \($0.detail)" }.joined(separator: " ")
    let raw = spec.columns.map { "'\($0.name)', c.\($0.name)" }.joined(separator: ", ")
    return resolve(
      """
      INSERT INTO \(quarantineTable) (source_table, source_key, rule, detail, raw, run_id, first_seen, last_seen)
      SELECT '\(spec.name)', \(keyText), c.rule, coalesce(CASE \(details) END, c.rule),
             jsonb_build_object(\(raw)), $1, now(), now()
      FROM pg_temp.\(load.checkedTable) c WHERE c.rule IS NOT NULL
      ON CONFLICT (source_table, source_key) DO UPDATE
      SET rule = EXCLUDED.rule, detail = EXCLUDED.detail, raw = EXCLUDED.raw, run_id = EXCLUDED.run_id,
          last_seen = EXCLUDED.last_seen
      """)
  }

  var releaseFromQuarantine: String {
    """
    DELETE FROM \(quarantineTable) q USING pg_temp.\(load.checkedTable) c
    WHERE q.source_table = '\(spec.name)' AND q.source_key = \(keyText) AND c.rule IS NULL
    """
  }

  var removeQuarantinedFacts: String {
    """
    DELETE FROM \(fact) f USING pg_temp.\(load.checkedTable) c
    WHERE f.\(spec.key) = c.\(spec.key) AND c.rule IS NOT NULL
    """
  }

  /// Upsert of the valid rows; returns (inserted, updated). Unchanged rows are not rewritten.
  var merge: String {
    let columns = load.factColumns.map(\.column)
    let compared = columns.filter { $0 != "run_id" && $0 != spec.key }
    var updates = compared.map { "\($0) = EXCLUDED.\($0)" } + ["run_id = EXCLUDED.run_id", "ingested_at = now()"]
    var left = compared.map { "f.\($0)" }
    var right = compared.map { "EXCLUDED.\($0)" }
    if load.tracksDeletion {
      updates.append("source_deleted = false")
      left.append("f.source_deleted")
      right.append("false")
    }
    return resolve(
      """
      WITH merged AS (
        INSERT INTO \(fact) AS f (\(columns.joined(separator: ", ")))
        SELECT \(load.factColumns.map(\.expression).joined(separator: ", "))
        FROM pg_temp.\(load.checkedTable) c WHERE c.rule IS NULL
        ON CONFLICT (\(spec.key)) DO UPDATE SET \(updates.joined(separator: ", "))
        WHERE (\(left.joined(separator: ", "))) IS DISTINCT FROM (\(right.joined(separator: ", ")))
        RETURNING (xmax = 0) AS inserted)
      SELECT count(*) FILTER (WHERE inserted)::int8, count(*) FILTER (WHERE NOT inserted)::int8 FROM merged
      """)
  }

  /// The first load into an empty fact table: a plain INSERT (nothing can conflict), run while the
  /// table's secondary indexes are dropped (`Ingestor.loadIntoEmpty`).
  var insertIntoEmpty: String {
    let columns = load.factColumns.map(\.column)
    return resolve(
      """
      INSERT INTO \(fact) (\(columns.joined(separator: ", ")))
      SELECT \(load.factColumns.map(\.expression).joined(separator: ", "))
      FROM pg_temp.\(load.checkedTable) c WHERE c.rule IS NULL
      """)
  }

  /// Whether the fact table has no rows at all (a first load).
  var factIsEmpty: String { "SELECT NOT EXISTS (SELECT 1 FROM \(fact))" }

  /// Whether the quarantine holds rows of this source table (else there is nothing to release).
  var quarantineHoldsTable: String {
    "SELECT EXISTS (SELECT 1 FROM \(quarantineTable) WHERE source_table = '\(spec.name)')"
  }

  /// The fact table's primary key: constraint name and definition (`PRIMARY KEY (...)`), as the server prints them.
  var primaryKey: String {
    """
    SELECT conname::text, pg_get_constraintdef(oid)
    FROM pg_constraint WHERE conrelid = '\(fact)'::regclass AND contype = 'p'
    """
  }

  /// The fact table's secondary (non-unique) indexes: name and definition, as the server prints them.
  var secondaryIndexes: String {
    """
    SELECT i.relname::text, pg_get_indexdef(i.oid)
    FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
    WHERE x.indrelid = '\(fact)'::regclass AND NOT x.indisunique AND NOT x.indisprimary
    ORDER BY 1
    """
  }

  /// Full runs: fact rows whose key is no longer in the source are kept and marked deleted.
  var markDeleted: String {
    """
    UPDATE \(fact) f SET source_deleted = true
    WHERE NOT f.source_deleted
      AND NOT EXISTS (SELECT 1 FROM pg_temp.\(load.stageTable) s WHERE s.\(spec.key) = f.\(spec.key))
    """
  }

  var advanceWatermark: String {
    let watermark =
      spec.tracking == .updatedAt
      ? "coalesce(least((SELECT max(updated_at) FROM pg_temp.\(load.stageTable)), $2), w.watermark)"
      : "NULL::timestamptz"
    let maxKey =
      spec.tracking == .appendOnlyByKey
      ? "greatest((SELECT max(\(spec.key)) FROM pg_temp.\(load.stageTable)), w.max_key)" : "NULL::bigint"
    let table = schema.table("ingest_watermarks").quoted
    return """
      INSERT INTO \(table) (source_table, watermark, max_key, run_id, updated_at)
      SELECT '\(spec.name)', \(watermark), \(maxKey), $1, now()
      FROM (SELECT NULL) AS one LEFT JOIN \(table) w ON w.source_table = '\(spec.name)'
      ON CONFLICT (source_table) DO UPDATE
      SET watermark = EXCLUDED.watermark, max_key = EXCLUDED.max_key, run_id = EXCLUDED.run_id,
          updated_at = EXCLUDED.updated_at
      """
  }
}

extension SourceTableSpec.Tracking: Equatable {}
