extension WarehouseMigrations {
  /// 5: versioned published prices (docs/contracts.md section 2): the versions, their rows, a one-row pointer
  /// to the current one, the `current_multipliers` view the booking service reads, and the publish log.
  static let publish = Migration(
    version: 5, name: "publish",
    sql: """
      CREATE TABLE {{schema}}.price_versions (
        version_id   bigserial PRIMARY KEY,
        run_id       bigint NOT NULL REFERENCES {{schema}}.model_runs,
        rows         bigint NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz,
        forced       boolean NOT NULL DEFAULT false,
        created_by   text
      );
      CREATE TABLE {{schema}}.published_multipliers (
        version_id      bigint NOT NULL REFERENCES {{schema}}.price_versions ON DELETE CASCADE,
        category        text NOT NULL,
        city            text NOT NULL,
        experience_band text NOT NULL,
        valid_on        date NOT NULL,
        multiplier      numeric(6,4) NOT NULL CHECK (multiplier BETWEEN 0.0001 AND 9.9999),
        PRIMARY KEY (version_id, category, city, experience_band, valid_on)
      );
      CREATE TABLE {{schema}}.current_version (
        singleton           boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        version_id          bigint NOT NULL REFERENCES {{schema}}.price_versions,
        previous_version_id bigint REFERENCES {{schema}}.price_versions,
        updated_at          timestamptz NOT NULL DEFAULT now()
      );
      CREATE VIEW {{schema}}.current_multipliers AS
        SELECT m.category, m.city, m.experience_band, m.valid_on, m.multiplier, m.version_id
        FROM {{schema}}.published_multipliers m
        JOIN {{schema}}.current_version c ON m.version_id = c.version_id;
      CREATE TABLE {{schema}}.publish_events (
        event_id   bigserial PRIMARY KEY,
        action     text NOT NULL CHECK (action IN ('publish', 'reject', 'rollback')),
        run_id     bigint,
        version_id bigint,
        from_version_id bigint,
        forced     boolean NOT NULL DEFAULT false,
        guardrails jsonb NOT NULL DEFAULT '[]',
        decided_by text,
        decided_at timestamptz NOT NULL DEFAULT now()
      );
      """)
}
