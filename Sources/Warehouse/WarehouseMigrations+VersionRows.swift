extension WarehouseMigrations {
  /// 8: a version's rows are its model run's candidate rows. The fit writes the candidates with COPY; a
  /// publish checks them and flips the pointer to a version that names the run, so a million-row publish
  /// no longer copies a million rows inside the server (3-4 s of writes, and CPU the booking service's
  /// readers lost while it ran; docs/benchmarks.md).
  ///
  /// - The candidates' factors (about 430 bytes of JSON per row, read only by `pricing explain` and the
  ///   pricing report) move to `candidate_factors`, so that the rows the booking service reads stay narrow
  ///   (the lookup touches one heap tuple; with the factors inline its table was seven times larger). They
  ///   are kept as `json` (the fit's text, checked but not converted): written once per fit and read a
  ///   cell at a time, they COPY in 5.8-6.5 s per million rows as `json` against 8.2-8.8 s as `jsonb`.
  /// - The pointer carries its version's run (`current_version.run_id`, kept equal to the version's by a
  ///   foreign key on both columns), so that `current_multipliers` is a two-table join the planner cannot
  ///   turn into a probe per version.
  /// - `current_multipliers` keeps its columns (docs/contracts.md section 2) and reads the pointer's run's
  ///   candidates; `published_multipliers` becomes a view with the same columns as the table it replaces,
  ///   every version's rows by `version_id`, for audit, rollback and the reports.
  /// - Existing versions whose run's candidates were pruned get them back from their published rows first
  ///   (without factors), so that every version keeps its rows.
  static let versionRows = Migration(
    version: 8, name: "version_rows",
    sql: """
      CREATE TABLE {{schema}}.candidate_factors (
        run_id          bigint NOT NULL REFERENCES {{schema}}.model_runs ON DELETE CASCADE,
        category        text NOT NULL,
        city            text NOT NULL,
        experience_band text NOT NULL,
        valid_on        date NOT NULL,
        factors         json NOT NULL,
        PRIMARY KEY (run_id, category, city, experience_band, valid_on)
      );
      INSERT INTO {{schema}}.candidate_factors
      SELECT run_id, category, city, experience_band, valid_on, factors::json FROM {{schema}}.candidate_multipliers;

      ALTER TABLE {{schema}}.candidate_multipliers RENAME TO candidate_multipliers_v7;
      ALTER INDEX {{schema}}.candidate_multipliers_pkey RENAME TO candidate_multipliers_v7_pkey;
      CREATE TABLE {{schema}}.candidate_multipliers (
        run_id          bigint NOT NULL REFERENCES {{schema}}.model_runs ON DELETE CASCADE,
        category        text NOT NULL,
        city            text NOT NULL,
        experience_band text NOT NULL,
        valid_on        date NOT NULL,
        multiplier      numeric(6,4) NOT NULL CHECK (multiplier > 0),
        PRIMARY KEY (run_id, category, city, experience_band, valid_on)
      );
      INSERT INTO {{schema}}.candidate_multipliers
      SELECT run_id, category, city, experience_band, valid_on, multiplier FROM {{schema}}.candidate_multipliers_v7
      ORDER BY run_id, category, city, experience_band, valid_on;
      DROP TABLE {{schema}}.candidate_multipliers_v7;
      INSERT INTO {{schema}}.candidate_multipliers
      SELECT DISTINCT ON (v.run_id, p.category, p.city, p.experience_band, p.valid_on)
             v.run_id, p.category, p.city, p.experience_band, p.valid_on, p.multiplier
      FROM {{schema}}.published_multipliers p JOIN {{schema}}.price_versions v ON v.version_id = p.version_id
      WHERE NOT EXISTS (SELECT 1 FROM {{schema}}.candidate_multipliers c WHERE c.run_id = v.run_id)
      ORDER BY v.run_id, p.category, p.city, p.experience_band, p.valid_on, p.version_id DESC;

      ALTER TABLE {{schema}}.price_versions ADD UNIQUE (version_id, run_id);
      ALTER TABLE {{schema}}.current_version ADD COLUMN run_id bigint;
      UPDATE {{schema}}.current_version c SET run_id = v.run_id
      FROM {{schema}}.price_versions v WHERE v.version_id = c.version_id;
      ALTER TABLE {{schema}}.current_version ALTER COLUMN run_id SET NOT NULL,
        ADD FOREIGN KEY (version_id, run_id) REFERENCES {{schema}}.price_versions (version_id, run_id);

      CREATE OR REPLACE VIEW {{schema}}.current_multipliers AS
        SELECT m.category, m.city, m.experience_band, m.valid_on, m.multiplier, c.version_id
        FROM {{schema}}.current_version c
        JOIN {{schema}}.candidate_multipliers m ON m.run_id = c.run_id;
      DROP TABLE {{schema}}.published_multipliers;
      CREATE VIEW {{schema}}.published_multipliers AS
        SELECT v.version_id, m.category, m.city, m.experience_band, m.valid_on, m.multiplier
        FROM {{schema}}.price_versions v
        JOIN {{schema}}.candidate_multipliers m ON m.run_id = v.run_id;
      """)
}
