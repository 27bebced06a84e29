extension WarehouseMigrations {
  /// 11: what a model run's price table is expected to do (docs/model.md, "Impact").
  ///
  /// - `model_runs.impact`: the fit's `PriceImpact` estimates as JSON, `{"flat": ..., "current": ...}`
  ///   (`current` absent before the first publish), shown by `pricing impact` and the report.
  /// - `expected_outcomes`: the expected bookings and GMV of each category x city x day of a run's table
  ///   (all bands), kept with the run (not pruned with its candidates), so that the report can set what a
  ///   published version promised against what it realised.
  static let impact = Migration(
    version: 11, name: "impact",
    sql: """
      ALTER TABLE {{schema}}.model_runs ADD COLUMN impact jsonb;
      COMMENT ON COLUMN {{schema}}.model_runs.impact IS
        'Expected bookings and GMV of the run''s table against flat prices and the then-current table (pricing impact).';
      CREATE TABLE {{schema}}.expected_outcomes (
        run_id            bigint NOT NULL REFERENCES {{schema}}.model_runs ON DELETE CASCADE,
        category          text NOT NULL,
        city              text NOT NULL,
        valid_on          date NOT NULL,
        currency          text NOT NULL,
        expected_bookings double precision NOT NULL,
        expected_gmv      double precision NOT NULL,
        bookings_at_list  double precision NOT NULL,
        gmv_at_list       double precision NOT NULL,
        PRIMARY KEY (run_id, category, city, valid_on, currency)
      );
      COMMENT ON TABLE {{schema}}.expected_outcomes IS
        'Per model run, category, city and local day: the bookings and GMV its table was expected to bring, and at list price.';
      """)
}
