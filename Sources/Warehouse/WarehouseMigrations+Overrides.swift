extension WarehouseMigrations {
  /// 12: manual price overrides and freezes (docs/overrides.md).
  ///
  /// - `price_overrides`: one row per override, never deleted: scope (a category; a city and an experience
  ///   band, each NULL for all), local dates, kind and value, the required reason, who added it and when, an
  ///   optional expiry, and its revocation (who, when, why). The hard bounds of a multiplier
  ///   (numeric(6,4) > 0) hold for every value.
  /// - `candidate_overrides`: which candidate multipliers an override decided (with the ids that applied and
  ///   whether one was `fixed`), so that publish's `drift` leaves them out and `bounds` exempts `fixed` ones
  ///   without reading the factors.
  static let overrides = Migration(
    version: 12, name: "overrides",
    sql: """
      CREATE TABLE {{schema}}.price_overrides (
        override_id     bigserial PRIMARY KEY,
        category        text NOT NULL,
        city            text,
        experience_band text,
        valid_from      date NOT NULL,
        valid_to        date NOT NULL,
        kind            text NOT NULL CHECK (kind IN ('fixed', 'min', 'max', 'factor', 'freeze')),
        value           numeric(6,4) CHECK (value > 0),
        reason          text NOT NULL CHECK (btrim(reason) <> ''),
        created_by      text NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        expires_at      timestamptz,
        revoked_at      timestamptz,
        revoked_by      text,
        revoke_reason   text,
        CHECK (valid_to >= valid_from),
        CHECK ((kind = 'freeze') = (value IS NULL)),
        CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
      );
      CREATE INDEX price_overrides_active ON {{schema}}.price_overrides (valid_to) WHERE revoked_at IS NULL;
      COMMENT ON TABLE {{schema}}.price_overrides IS
        'Manual price overrides and freezes (pricing override add|list|show|revoke); applied by every fit and by publish --reapply-overrides.';
      CREATE TABLE {{schema}}.candidate_overrides (
        run_id          bigint NOT NULL REFERENCES {{schema}}.model_runs ON DELETE CASCADE,
        category        text NOT NULL,
        city            text NOT NULL,
        experience_band text NOT NULL,
        valid_on        date NOT NULL,
        override_ids    bigint[] NOT NULL,
        fixed           boolean NOT NULL,
        PRIMARY KEY (run_id, category, city, experience_band, valid_on)
      );
      """)
}
