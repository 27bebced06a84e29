extension WarehouseMigrations {
  /// 12: manual price overrides and freezes (docs/overrides.md).
  ///
  /// - `price_overrides`: one row per override, never deleted: scope (a category; a city and an experience
  ///   band, each NULL for all), local dates, kind and value, the required reason, who added it (the actor
  ///   and the database role) and when, an optional expiry, and its revocation (who, when, why). The hard
  ///   bounds of a multiplier (0.0001-9.9999) hold for every value. A trigger keeps every row as written:
  ///   only the revocation may be set, once, at the time of the update; a revoked row cannot change, and no
  ///   row can be deleted.
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
        value           numeric(6,4) CHECK (value > 0 AND value <= 9.9999),
        reason          text NOT NULL CHECK (btrim(reason) <> ''),
        created_by      text NOT NULL,
        recorded_by     text NOT NULL DEFAULT current_user,
        created_at      timestamptz NOT NULL DEFAULT now(),
        expires_at      timestamptz,
        revoked_at      timestamptz,
        revoked_by      text,
        revoke_reason   text,
        CHECK (valid_to >= valid_from),
        CHECK ((kind = 'freeze') = (value IS NULL)),
        CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
      );
      -- An override is never rewritten: only its revocation may be set, once (revoked rows are immutable).
      CREATE FUNCTION {{schema}}.price_overrides_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.revoked_at IS NOT NULL THEN
          RAISE EXCEPTION 'override % is revoked: it cannot change', OLD.override_id USING ERRCODE = '42501';
        END IF;
        IF (NEW.override_id, NEW.category, NEW.city, NEW.experience_band, NEW.valid_from, NEW.valid_to, NEW.kind,
            NEW.value, NEW.reason, NEW.created_by, NEW.recorded_by, NEW.created_at, NEW.expires_at)
           IS DISTINCT FROM
           (OLD.override_id, OLD.category, OLD.city, OLD.experience_band, OLD.valid_from, OLD.valid_to, OLD.kind,
            OLD.value, OLD.reason, OLD.created_by, OLD.recorded_by, OLD.created_at, OLD.expires_at) THEN
          RAISE EXCEPTION 'override % cannot change: revoke it and add another', OLD.override_id USING ERRCODE = '42501';
        END IF;
        NEW.revoked_at := now();
        NEW.revoked_by := coalesce(NEW.revoked_by, current_user);
        RETURN NEW;
      END $$;
      CREATE TRIGGER price_overrides_guard BEFORE UPDATE ON {{schema}}.price_overrides
        FOR EACH ROW EXECUTE FUNCTION {{schema}}.price_overrides_guard();
      CREATE TRIGGER price_overrides_no_delete BEFORE DELETE ON {{schema}}.price_overrides
        FOR EACH ROW EXECUTE FUNCTION {{schema}}.price_overrides_guard();
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
