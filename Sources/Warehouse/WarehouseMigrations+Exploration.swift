extension WarehouseMigrations {
  /// 14: the exploration factor of every cell a model run's table prices (docs/model.md, "Learning while
  /// pricing").
  ///
  /// `exploration_cells` holds one row per run, category, city and local day the run priced, with the log
  /// of the factor its exploration moved that cell's multipliers by (0 when it did not). Kept with the run
  /// (not pruned with its candidates): the demand model reads the rows of published runs to tell the
  /// randomised part of a served price from the policy's part.
  static let exploration = Migration(
    version: 14, name: "exploration",
    sql: """
      CREATE TABLE {{schema}}.exploration_cells (
        run_id     bigint NOT NULL REFERENCES {{schema}}.model_runs ON DELETE CASCADE,
        category   text NOT NULL,
        city       text NOT NULL,
        valid_on   date NOT NULL,
        log_factor double precision NOT NULL CHECK (log_factor = log_factor),
        PRIMARY KEY (run_id, category, city, valid_on)
      );
      CREATE INDEX exploration_cells_day ON {{schema}}.exploration_cells (valid_on);
      COMMENT ON TABLE {{schema}}.exploration_cells IS
        'Per model run, category, city and local day it priced: the log of the randomised exploration factor of its multipliers (0: not explored).';
      """)
}
