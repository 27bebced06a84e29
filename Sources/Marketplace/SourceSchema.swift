/// The source contract's DDL (docs/contracts.md section 1), byte for byte the same as
/// `data/sql/source_schema.sql` (a test compares them). Embedded so that the `pricing` binary needs no
/// files beside it.
public enum SourceSchema {
  public static let sql = #"""
-- The booking platform's tables: the source contract (docs/contracts.md section 1).
-- The platform owns them; the pipeline only reads them. `pricing seed` creates them (in the schema named by
-- --source-schema, default public) for the demo and the tests, from the copy of this file embedded in
-- Sources/Marketplace/SourceSchema.swift (a test keeps the two identical).
CREATE TABLE cities (
  city       text PRIMARY KEY,
  time_zone  text,          -- IANA name, e.g. 'Europe/Berlin'; dates of a slot are local dates in this zone
  country    text           -- ISO 3166-1 alpha-2
);
CREATE TABLE users (
  user_id      bigint PRIMARY KEY,
  name         text,
  type         text,        -- 'customer' | 'provider'
  contact_info text,        -- personal data: never copied into reports
  city         text,
  created_at   timestamptz
);
CREATE TABLE providers (
  provider_id      bigint PRIMARY KEY,   -- = users.user_id of a provider
  experience_years numeric(4,1),         -- >= 0
  weekly_capacity  integer,              -- bookable slots per week, >= 0
  status           text,                 -- 'pending' | 'active' | 'suspended'
  onboarded_at     timestamptz,
  updated_at       timestamptz
);
CREATE TABLE services (
  service_id  bigint PRIMARY KEY,
  title       text,
  category    text,
  city        text,                      -- references cities
  price       numeric(12,2),             -- list price before any multiplier, > 0
  currency    text,                      -- ISO 4217, e.g. 'EUR'
  provider_id bigint,                    -- references providers
  active      boolean,
  created_at  timestamptz,
  updated_at  timestamptz
);
CREATE TABLE bookings (
  booking_id    bigint PRIMARY KEY,
  service_id    bigint,                  -- references services
  user_id       bigint,                  -- references users (customer)
  status        text,                    -- 'pending' | 'confirmed' | 'completed' | 'cancelled'
  booking_time  timestamptz,             -- when the customer booked
  scheduled_for timestamptz,             -- start of the booked slot
  price         numeric(12,2),           -- price charged = list price x multiplier in force when booked
  currency      text,
  updated_at    timestamptz              -- set on every change; the incremental watermark
);
CREATE TABLE payments (
  payment_id      bigint PRIMARY KEY,
  booking_id      bigint,                -- may reference a booking that does not exist (webhook races)
  amount          numeric(12,2),         -- > 0
  currency        text,
  status          text,                  -- 'pending' | 'succeeded' | 'failed' | 'refunded' | 'partially_refunded'
  refunded_amount numeric(12,2),         -- cumulative, 0 <= refunded_amount <= amount
  created_at      timestamptz,
  updated_at      timestamptz
);
CREATE TABLE feedbacks (
  feedback_id bigint PRIMARY KEY,
  booking_id  bigint,
  rating      smallint,                  -- 1..5
  comment     text,                      -- free text from customers: untrusted, may contain markup
  created_at  timestamptz
);
-- Optional: present when the booking service logs every price it shows.
CREATE TABLE quotes (
  quote_id      bigint PRIMARY KEY,
  service_id    bigint,
  user_id       bigint,
  quoted_at     timestamptz,
  scheduled_for timestamptz,
  price         numeric(12,2),           -- price shown
  multiplier    numeric(6,4),            -- multiplier applied
  version_id    bigint,                  -- price version it came from
  booking_id    bigint                   -- the booking it turned into, or NULL
);

"""#
}
