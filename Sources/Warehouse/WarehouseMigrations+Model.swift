extension WarehouseMigrations {
  /// 3: model runs (as-of date, window, configuration, coefficients, metrics, status with reasons,
  /// timings) and each run's candidate price table with the factors of every multiplier.
  static let model = Migration(
    version: 3, name: "model",
    sql: """
      CREATE TABLE {{schema}}.model_runs (
        run_id        bigint PRIMARY KEY REFERENCES {{schema}}.runs ON DELETE CASCADE,
        as_of         date NOT NULL,
        history_start date NOT NULL,
        holdout_start date NOT NULL,
        horizon_days  integer NOT NULL,
        family        text NOT NULL,
        theta         double precision,
        converged     boolean NOT NULL,
        iterations    integer NOT NULL,
        status        text NOT NULL CHECK (status IN ('fitted', 'rejected')),
        reasons       text[] NOT NULL DEFAULT '{}',
        config        jsonb NOT NULL,
        coefficients  jsonb NOT NULL,
        elasticities  jsonb NOT NULL,
        metrics       jsonb NOT NULL,
        timings       jsonb NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE {{schema}}.candidate_multipliers (
        run_id          bigint NOT NULL REFERENCES {{schema}}.model_runs ON DELETE CASCADE,
        category        text NOT NULL,
        city            text NOT NULL,
        experience_band text NOT NULL,
        valid_on        date NOT NULL,
        multiplier      numeric(6,4) NOT NULL CHECK (multiplier > 0),
        factors         jsonb NOT NULL,
        PRIMARY KEY (run_id, category, city, experience_band, valid_on)
      );
      """)
}
