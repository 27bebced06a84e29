/// The pipeline schema's migrations, oldest first. Append new ones; never edit a released one.
///
/// Table documentation: docs/warehouse.md.
public enum WarehouseMigrations {
  public static let all: [Migration] = [
    foundation, ingest, model, cells, publish, reports, publishRows, versionRows, factFillFactor, lookup,
    impact, overrides, reportStructures, exploration,
  ]

  /// 1: run records, data-quality tables (docs/contracts.md section 4) and the experience bands (section 2).
  static let foundation = Migration(
    version: 1, name: "foundation",
    sql: """
      CREATE TABLE {{schema}}.runs (
        run_id      bigserial PRIMARY KEY,
        command     text NOT NULL,
        started_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
        finished_at timestamptz,
        status      text NOT NULL DEFAULT 'running'
                    CHECK (status IN ('running', 'succeeded', 'failed', 'rejected')),
        exit_code   integer,
        error       text,
        parameters  jsonb NOT NULL DEFAULT '{}',
        host        text,
        pid         integer
      );
      CREATE TABLE {{schema}}.run_steps (
        run_id      bigint NOT NULL REFERENCES {{schema}}.runs ON DELETE CASCADE,
        step        text NOT NULL,
        started_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
        finished_at timestamptz,
        status      text NOT NULL DEFAULT 'running'
                    CHECK (status IN ('running', 'succeeded', 'failed', 'rejected', 'skipped')),
        rows        bigint,
        exit_code   integer,
        error       text,
        details     jsonb NOT NULL DEFAULT '{}',
        PRIMARY KEY (run_id, step)
      );
      CREATE TABLE {{schema}}.quarantine (
        source_table text NOT NULL,
        source_key   text NOT NULL,
        rule         text NOT NULL,
        detail       text,
        raw          jsonb,
        run_id       bigint,
        first_seen   timestamptz NOT NULL DEFAULT now(),
        last_seen    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (source_table, source_key)
      );
      CREATE INDEX quarantine_rule ON {{schema}}.quarantine (rule, source_table);
      CREATE TABLE {{schema}}.reconciliation_exceptions (
        kind       text NOT NULL,
        booking_id bigint,
        payment_id bigint,
        detail     text,
        run_id     bigint,
        first_seen timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX reconciliation_exceptions_key
        ON {{schema}}.reconciliation_exceptions (kind, coalesce(booking_id, -1), coalesce(payment_id, -1));
      CREATE TABLE {{schema}}.experience_bands (
        band      text PRIMARY KEY,
        min_years numeric NOT NULL CHECK (min_years >= 0),
        max_years numeric CHECK (max_years IS NULL OR max_years > min_years)
      );
      INSERT INTO {{schema}}.experience_bands (band, min_years, max_years) VALUES
        ('junior', 0, 3), ('experienced', 3, 10), ('senior', 10, NULL);
      """)
}
