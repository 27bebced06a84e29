extension WarehouseMigrations {
  /// 2: the ingested copies of the source (latest valid state of each row, keyed by the source's primary
  /// key), the booking fact for the model and the reports, and the incremental watermarks. Personal data
  /// (users' names and contact details) is not copied. docs/warehouse.md describes every column.
  static let ingest = Migration(
    version: 2, name: "ingest",
    sql: """
      CREATE TABLE {{schema}}.cities (
        city        text PRIMARY KEY,
        time_zone   text NOT NULL,
        country     text,
        run_id      bigint NOT NULL,
        ingested_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE {{schema}}.users (
        user_id     bigint PRIMARY KEY,
        type        text NOT NULL,
        city        text,
        created_at  timestamptz,
        run_id      bigint NOT NULL,
        ingested_at timestamptz NOT NULL DEFAULT now(),
        source_deleted boolean NOT NULL DEFAULT false
      );
      CREATE TABLE {{schema}}.providers (
        provider_id      bigint PRIMARY KEY,
        experience_years numeric(4,1) NOT NULL,
        weekly_capacity  integer NOT NULL,
        status           text NOT NULL,
        onboarded_at     timestamptz,
        updated_at       timestamptz,
        run_id           bigint NOT NULL,
        ingested_at      timestamptz NOT NULL DEFAULT now(),
        source_deleted   boolean NOT NULL DEFAULT false
      );
      CREATE TABLE {{schema}}.services (
        service_id  bigint PRIMARY KEY,
        title       text,
        category    text NOT NULL,
        city        text NOT NULL,
        price       numeric(12,2) NOT NULL,
        currency    text NOT NULL,
        provider_id bigint NOT NULL,
        active      boolean NOT NULL,
        created_at  timestamptz,
        updated_at  timestamptz,
        run_id      bigint NOT NULL,
        ingested_at timestamptz NOT NULL DEFAULT now(),
        source_deleted boolean NOT NULL DEFAULT false
      );
      CREATE INDEX services_category_city ON {{schema}}.services (category, city);
      CREATE TABLE {{schema}}.booking_facts (
        booking_id       bigint PRIMARY KEY,
        service_id       bigint NOT NULL,
        user_id          bigint NOT NULL,
        provider_id      bigint NOT NULL,
        category         text NOT NULL,
        city             text NOT NULL,
        status           text NOT NULL,
        booking_time     timestamptz NOT NULL,
        scheduled_for    timestamptz NOT NULL,
        local_date       date NOT NULL,
        local_weekday    smallint NOT NULL,
        experience_years numeric(4,1) NOT NULL,
        list_price       numeric(12,2) NOT NULL,
        charged_price    numeric(12,2) NOT NULL,
        price_ratio      numeric(10,6) NOT NULL,
        currency         text NOT NULL,
        paid_amount      numeric(14,2) NOT NULL DEFAULT 0,
        refunded_amount  numeric(14,2) NOT NULL DEFAULT 0,
        failed_attempts  integer NOT NULL DEFAULT 0,
        payment_count    integer NOT NULL DEFAULT 0,
        source_updated_at timestamptz,
        source_deleted   boolean NOT NULL DEFAULT false,
        run_id           bigint NOT NULL,
        ingested_at      timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX booking_facts_cell ON {{schema}}.booking_facts (category, city, local_date);
      CREATE INDEX booking_facts_user ON {{schema}}.booking_facts (user_id);
      CREATE TABLE {{schema}}.payment_facts (
        payment_id      bigint PRIMARY KEY,
        booking_id      bigint NOT NULL,
        amount          numeric(12,2) NOT NULL,
        currency        text NOT NULL,
        status          text NOT NULL,
        refunded_amount numeric(12,2) NOT NULL,
        created_at      timestamptz NOT NULL,
        updated_at      timestamptz,
        source_deleted  boolean NOT NULL DEFAULT false,
        run_id          bigint NOT NULL,
        ingested_at     timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX payment_facts_booking ON {{schema}}.payment_facts (booking_id);
      CREATE TABLE {{schema}}.feedback_facts (
        feedback_id bigint PRIMARY KEY,
        booking_id  bigint NOT NULL,
        rating      smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
        comment     text,
        created_at  timestamptz,
        source_deleted boolean NOT NULL DEFAULT false,
        run_id      bigint NOT NULL,
        ingested_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX feedback_facts_booking ON {{schema}}.feedback_facts (booking_id);
      CREATE TABLE {{schema}}.quote_facts (
        quote_id      bigint PRIMARY KEY,
        service_id    bigint NOT NULL,
        user_id       bigint,
        quoted_at     timestamptz NOT NULL,
        scheduled_for timestamptz,
        price         numeric(12,2) NOT NULL,
        multiplier    numeric(6,4) NOT NULL,
        version_id    bigint,
        booking_id    bigint,
        source_deleted boolean NOT NULL DEFAULT false,
        run_id        bigint NOT NULL,
        ingested_at   timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE {{schema}}.ingest_watermarks (
        source_table text PRIMARY KEY,
        watermark    timestamptz,
        max_key      bigint,
        run_id       bigint NOT NULL,
        updated_at   timestamptz NOT NULL DEFAULT now()
      );
      """)
}
