extension WarehouseMigrations {
  /// 10: the booking service's lookup as a function, the version of the program and an id of the process
  /// in each run record, and descriptions of the published objects for `psql \d+` and BI tools.
  ///
  /// `multiplier(category, city, experience_years, local_date)` returns one row: the current version's
  /// multiplier of the band the years fall in, or 1 with the current version's id when no row matches
  /// (docs/contracts.md section 2). It runs with its owner's rights (`SECURITY DEFINER`, a fixed
  /// `search_path`), so a reader needs only `EXECUTE` on it: a booking service whose own tables live in
  /// another database makes one call in the warehouse with what it already knows. Each lookup is the
  /// pointer and one index lookup of the cell in the pointer's run. PL/pgSQL, so that its statements' plans
  /// are prepared once per session (a SQL function that cannot be inlined, as a `SECURITY DEFINER` one
  /// cannot, is planned on every call: a third of the lookups a second, p99 3.3 ms in the benchmark).
  static let lookup = Migration(
    version: 10, name: "lookup_function",
    sql: """
      CREATE FUNCTION {{schema}}.multiplier(
        category text, city text, experience_years numeric, local_date date)
      RETURNS TABLE (multiplier numeric(6,4), version_id bigint)
      LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
      AS $$
      #variable_conflict use_column
      DECLARE
        current_run bigint;
        current_version bigint;
        found_multiplier numeric(6,4);
      BEGIN
        SELECT c.run_id, c.version_id INTO current_run, current_version FROM {{schema}}.current_version c;
        -- Years that are NULL, negative or NaN fall in no band (NaN would sort above every bound).
        IF current_run IS NOT NULL AND $3 >= 0 AND $3 <> 'NaN'::numeric THEN
          SELECT cm.multiplier INTO found_multiplier
          FROM {{schema}}.experience_bands b
          JOIN {{schema}}.candidate_multipliers cm ON cm.run_id = current_run AND cm.experience_band = b.band
          WHERE $3 >= b.min_years AND ($3 < b.max_years OR b.max_years IS NULL)
            AND cm.category = $1 AND cm.city = $2 AND cm.valid_on = $4
          LIMIT 1;
        END IF;
        multiplier := coalesce(found_multiplier, 1.0000);
        version_id := current_version;
        RETURN NEXT;
      END
      $$;
      REVOKE ALL ON FUNCTION {{schema}}.multiplier(text, text, numeric, date) FROM PUBLIC;
      COMMENT ON FUNCTION {{schema}}.multiplier(text, text, numeric, date) IS
        'The published multiplier of a category, city, provider experience (years) and local slot date, and its version; 1 when no row matches (NULL version before the first publish).';

      ALTER TABLE {{schema}}.runs ADD COLUMN version text, ADD COLUMN process text;
      COMMENT ON COLUMN {{schema}}.runs.version IS 'The version of the pricing program that ran (pricing --version).';
      COMMENT ON COLUMN {{schema}}.runs.process IS 'A random id of the process that recorded the run: the runs of one process (a pricing run and its ingest and fit) share it.';

      COMMENT ON VIEW {{schema}}.current_multipliers IS
        'The prices the booking service reads: one row per category, city, experience band and local date of the current version. Price charged = services.price x multiplier; no row means 1.';
      COMMENT ON COLUMN {{schema}}.current_multipliers.category IS 'services.category';
      COMMENT ON COLUMN {{schema}}.current_multipliers.city IS 'services.city';
      COMMENT ON COLUMN {{schema}}.current_multipliers.experience_band IS 'A band of experience_bands, by the provider''s experience_years';
      COMMENT ON COLUMN {{schema}}.current_multipliers.valid_on IS 'The local date of the slot in the city''s time zone';
      COMMENT ON COLUMN {{schema}}.current_multipliers.multiplier IS 'Within the configured bounds';
      COMMENT ON COLUMN {{schema}}.current_multipliers.version_id IS 'The published version (price_versions) these rows belong to';
      COMMENT ON TABLE {{schema}}.experience_bands IS 'Provider experience bands: min_years inclusive, max_years exclusive (NULL: no upper bound)';
      COMMENT ON TABLE {{schema}}.price_versions IS 'Every published version: its model run, rows, who published it and when. Irreplaceable: the audit trail.';
      COMMENT ON TABLE {{schema}}.current_version IS 'The one-row pointer to the version being served, and the previous one (rollback).';
      COMMENT ON TABLE {{schema}}.publish_events IS 'Every publish, rejection and rollback with the guardrails'' verdicts. Irreplaceable: the audit trail.';
      COMMENT ON TABLE {{schema}}.candidate_multipliers IS 'Each model run''s prices; a version''s rows are its run''s. Pruned after publish.retention_days unless a version names the run.';
      COMMENT ON TABLE {{schema}}.runs IS 'One row per command run (ingest, fit, run...), with its status, exit code and the program version.';
      COMMENT ON TABLE {{schema}}.run_steps IS 'The steps of each run, with rows, status, exit code and details.';
      COMMENT ON TABLE {{schema}}.quarantine IS 'Source rows refused by a validation rule (latest state); a row fixed upstream leaves on its next ingest.';
      COMMENT ON TABLE {{schema}}.reconciliation_exceptions IS 'Open inconsistencies between bookings and payments.';
      """)
}
