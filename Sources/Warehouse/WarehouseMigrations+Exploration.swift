extension WarehouseMigrations {
  /// 14: the exploration factor of every cell a model run's table prices (docs/model.md, "Learning while
  /// pricing").
  ///
  /// `exploration_cells` holds one row per run, category, city, experience band and local day the run
  /// priced, with the log of the factor its exploration moved that multiplier by (0 when it did not) and the
  /// log of the multiplier without it (the policy's own price). Kept with the run (not pruned with its
  /// candidates): the demand model reads the rows of published runs (`publish_events`) to tell the
  /// randomised part of a served price from the policy's part, and the next fit keeps a served day's move.
  /// Runs published before this migration get their candidates' rows, unexplored.
  static let exploration = Migration(
    version: 14, name: "exploration",
    sql: """
      CREATE TABLE {{schema}}.exploration_cells (
        run_id          bigint NOT NULL REFERENCES {{schema}}.model_runs ON DELETE CASCADE,
        category        text NOT NULL,
        city            text NOT NULL,
        experience_band text NOT NULL,
        valid_on        date NOT NULL,
        log_factor      double precision NOT NULL CHECK (log_factor = log_factor),
        log_planned     double precision CHECK (log_planned = log_planned),
        PRIMARY KEY (run_id, category, city, experience_band, valid_on)
      );
      CREATE INDEX exploration_cells_day ON {{schema}}.exploration_cells (valid_on);
      COMMENT ON TABLE {{schema}}.exploration_cells IS
        'Per model run, category, city, experience band and local day it priced: the log of the randomised exploration factor of its multiplier (0: not explored) and the log of the multiplier without it (the policy''s own price).';
      -- The days tables published before exploration existed priced: their own prices, unexplored (runs whose
      -- candidates retention has pruned are left out).
      INSERT INTO {{schema}}.exploration_cells
        (run_id, category, city, experience_band, valid_on, log_factor, log_planned)
      SELECT m.run_id, m.category, m.city, m.experience_band, m.valid_on, 0, ln(m.multiplier)::float8
      FROM {{schema}}.candidate_multipliers m
      WHERE m.run_id IN (SELECT run_id FROM {{schema}}.publish_events WHERE action = 'publish');
      """)
}
