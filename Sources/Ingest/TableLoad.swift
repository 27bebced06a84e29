/// Everything the warehouse does with one source table's batch: where the staged rows are checked
/// (the parents they are joined to), the validation rules, and how valid rows are merged into their fact
/// table. SQL fragments are constants; `{{schema}}` is the validated, quoted warehouse schema, `$1` the
/// run id and `$2` the source snapshot's timestamp.
struct TableLoad: Sendable {
  let spec: SourceTableSpec
  /// Extra columns looked up from already merged parents, as `expression AS name`.
  let enrichment: [String]
  /// LEFT JOINs to the parents (the staged row is `s`).
  let joins: String
  let rules: [ValidationRule]
  /// The fact table and its columns with the expressions (over the checked row `c`) that fill them.
  let factTable: String
  let factColumns: [(column: String, expression: String)]
  /// Whether the fact table has `source_deleted` (set by `--full` for rows gone from the source).
  let tracksDeletion: Bool

  var stageTable: String { "stage_\(spec.name)" }
  var checkedTable: String { "checked_\(spec.name)" }
}

// MARK: - Shared rule fragments

private func missing(_ column: String) -> ValidationRule {
  ValidationRule(name: "missing_\(column)", condition: "c.\(column) IS NULL", detail: "'\(column) is NULL'")
}

private func nonFinite(_ column: String) -> ValidationRule {
  ValidationRule(
    name: "non_finite_\(column == "price" ? "price" : "amount")",
    condition: "c.\(column) IN ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric)",
    detail: "'\(column) is ' || c.\(column)::text")
}

private func nonPositive(_ column: String) -> ValidationRule {
  ValidationRule(
    name: "non_positive_\(column == "price" ? "price" : "amount")", condition: "c.\(column) <= 0",
    detail: "'\(column) ' || c.\(column)::text || ' is not positive'")
}

/// A money value the facts' `numeric(12,2)` cannot hold (10^10 or more once rounded to cents): one such row is quarantined
/// instead of aborting the whole ingest when the platform's column is wider than the contract's.
private func tooLarge(_ column: String) -> ValidationRule {
  ValidationRule(
    name: "\(column == "price" ? "price" : "amount")_out_of_range", condition: "round(c.\(column), 2) >= 1e10",
    detail: "'\(column) ' || c.\(column)::text || ' is 10^10 or more'")
}

private let invalidCurrency = ValidationRule(
  name: "invalid_currency", condition: "c.currency IS NULL OR c.currency !~ '^[A-Z]{3}$'",
  detail: "'currency ' || coalesce(quote_literal(c.currency), 'NULL') || ' is not a 3-letter ISO 4217 code'")

private func unknownStatus(_ allowed: [String]) -> ValidationRule {
  let list = allowed.map { "'\($0)'" }.joined(separator: ", ")
  return ValidationRule(
    name: "unknown_status", condition: "c.status IS NULL OR c.status NOT IN (\(list))",
    detail: "'status ' || coalesce(quote_literal(c.status), 'NULL') || ' is not one of \(allowed.joined(separator: ", "))'")
}

private func implausible(_ columns: [String], futureLimit: String) -> ValidationRule {
  let conditions = columns.map { "c.\($0) < '2000-01-01'::timestamptz" } + ["c.\(columns[0]) > $2 + interval '1 day'"]
    + columns.dropFirst().map { "c.\($0) > $2 + interval '\(futureLimit)'" }
  let shown = columns.map { "'\($0) ' || c.\($0)::text" }.joined(separator: " || ', ' || ")
  return ValidationRule(
    name: "implausible_date", condition: conditions.joined(separator: " OR "),
    detail: "\(shown) || ' is before 2000 or too far after the snapshot'")
}

// MARK: - The tables

extension TableLoad {
  static let cities = TableLoad(
    spec: .cities, enrichment: ["z.name AS known_zone"],
    joins: "LEFT JOIN pg_temp.known_time_zones z ON z.name = s.time_zone",
    rules: [
      ValidationRule(name: "missing_time_zone", condition: "c.time_zone IS NULL", detail: "'time_zone is NULL'"),
      ValidationRule(
        name: "invalid_time_zone", condition: "c.known_zone IS NULL",
        detail: "'time_zone ' || quote_literal(c.time_zone) || ' is not an IANA time zone'"),
      ValidationRule(
        name: "invalid_country", condition: "c.country IS NOT NULL AND c.country !~ '^[A-Z]{2}$'",
        detail: "'country ' || quote_literal(c.country) || ' is not an ISO 3166-1 alpha-2 code'"),
    ],
    factTable: "cities",
    factColumns: [("city", "c.city"), ("time_zone", "c.time_zone"), ("country", "c.country"), ("run_id", "$1")],
    tracksDeletion: false)

  static let users = TableLoad(
    spec: .users, enrichment: [], joins: "",
    rules: [
      ValidationRule(
        name: "unknown_user_type", condition: "c.type IS NULL OR c.type NOT IN ('customer', 'provider')",
        detail: "'type ' || coalesce(quote_literal(c.type), 'NULL') || ' is not customer or provider'")
    ],
    factTable: "users",
    factColumns: [
      ("user_id", "c.user_id"), ("type", "c.type"), ("city", "c.city"), ("created_at", "c.created_at"), ("run_id", "$1"),
    ],
    tracksDeletion: true)

  static let providers = TableLoad(
    spec: .providers, enrichment: ["u.user_id AS known_user"],
    joins: "LEFT JOIN {{schema}}.users u ON u.user_id = s.provider_id",
    rules: [
      ValidationRule(
        name: "invalid_experience",
        condition: "c.experience_years IS NULL OR c.experience_years = 'NaN'::numeric OR c.experience_years < 0 OR c.experience_years > 80",
        detail: "'experience_years ' || coalesce(c.experience_years::text, 'NULL') || ' is not between 0 and 80'"),
      ValidationRule(
        name: "invalid_capacity", condition: "c.weekly_capacity IS NULL OR c.weekly_capacity < 0",
        detail: "'weekly_capacity ' || coalesce(c.weekly_capacity::text, 'NULL') || ' is not a non-negative number'"),
      unknownStatus(["pending", "active", "suspended"]),
      ValidationRule(
        name: "unknown_user", condition: "c.known_user IS NULL",
        detail: "'provider_id ' || c.provider_id || ' is not a known user'"),
    ],
    factTable: "providers",
    factColumns: [
      ("provider_id", "c.provider_id"), ("experience_years", "c.experience_years"),
      ("weekly_capacity", "c.weekly_capacity"), ("status", "c.status"), ("onboarded_at", "c.onboarded_at"),
      ("updated_at", "c.updated_at"), ("run_id", "$1"),
    ],
    tracksDeletion: true)

  static let services = TableLoad(
    spec: .services, enrichment: ["ct.city AS known_city", "p.provider_id AS known_provider"],
    joins: """
      LEFT JOIN {{schema}}.cities ct ON ct.city = s.city
      LEFT JOIN {{schema}}.providers p ON p.provider_id = s.provider_id
      """,
    rules: [
      ValidationRule(
        name: "missing_category", condition: "c.category IS NULL OR btrim(c.category) = ''",
        detail: "'category is missing'"),
      missing("city"), missing("price"), nonFinite("price"), nonPositive("price"), tooLarge("price"), invalidCurrency,
      missing("provider_id"),
      ValidationRule(
        name: "unknown_city", condition: "c.known_city IS NULL",
        detail: "'city ' || quote_literal(c.city) || ' is not a known city'"),
      ValidationRule(
        name: "unknown_provider", condition: "c.known_provider IS NULL",
        detail: "'provider_id ' || c.provider_id || ' is not a known provider'"),
    ],
    factTable: "services",
    factColumns: [
      ("service_id", "c.service_id"), ("title", "c.title"), ("category", "c.category"), ("city", "c.city"),
      ("price", "c.price"), ("currency", "c.currency"), ("provider_id", "c.provider_id"),
      ("active", "coalesce(c.active, false)"), ("created_at", "c.created_at"), ("updated_at", "c.updated_at"),
      ("run_id", "$1"),
    ],
    tracksDeletion: true)

  static let bookings = TableLoad(
    spec: .bookings,
    enrichment: [
      "sv.service_id AS known_service", "sv.category AS service_category", "sv.city AS service_city",
      "sv.provider_id AS service_provider", "sv.price AS list_price", "sv.currency AS service_currency",
      "ct.time_zone AS time_zone", "p.experience_years AS experience_years", "u.user_id AS known_user",
      // Payment totals: from the batch's totals when it has them; else an incremental batch keeps the
      // fact's (its payments did not change), and a full batch has none (no payments).
      "CASE WHEN pt.booking_id IS NOT NULL THEN pt.paid WHEN {{incremental}} THEN old.paid_amount ELSE 0 END AS paid_amount",
      "CASE WHEN pt.booking_id IS NOT NULL THEN pt.refunded WHEN {{incremental}} THEN old.refunded_amount ELSE 0 END AS refunded_amount",
      "CASE WHEN pt.booking_id IS NOT NULL THEN pt.failed WHEN {{incremental}} THEN old.failed_attempts ELSE 0 END AS failed_attempts",
      "CASE WHEN pt.booking_id IS NOT NULL THEN pt.payments WHEN {{incremental}} THEN old.payment_count ELSE 0 END AS payment_count",
      "old.category AS old_category", "old.city AS old_city", "old.local_date AS old_local_date",
      "old.price_ratio AS old_price_ratio", "old.source_deleted AS old_source_deleted",
      "old.currency AS old_currency", "old.user_id AS old_user_id",
    ],
    joins: """
      LEFT JOIN {{schema}}.services sv ON sv.service_id = s.service_id
      LEFT JOIN {{schema}}.cities ct ON ct.city = sv.city
      LEFT JOIN {{schema}}.providers p ON p.provider_id = sv.provider_id
      LEFT JOIN {{schema}}.users u ON u.user_id = s.user_id
      LEFT JOIN pg_temp.batch_payment_totals pt ON pt.booking_id = s.booking_id
      LEFT JOIN {{schema}}.booking_facts old ON old.booking_id = s.booking_id
      """,
    rules: [
      missing("service_id"), missing("user_id"),
      unknownStatus(["pending", "confirmed", "completed", "cancelled"]),
      missing("booking_time"), missing("scheduled_for"), missing("price"), nonFinite("price"),
      nonPositive("price"), tooLarge("price"), invalidCurrency,
      ValidationRule(
        name: "unknown_service", condition: "c.known_service IS NULL",
        detail: "'service_id ' || c.service_id || ' is not a known service'"),
      ValidationRule(
        name: "unknown_user", condition: "c.known_user IS NULL",
        detail: "'user_id ' || c.user_id || ' is not a known user'"),
      ValidationRule(
        name: "unknown_provider", condition: "c.experience_years IS NULL",
        detail: "'the provider of service ' || c.service_id || ' is not a known provider'"),
      ValidationRule(
        name: "currency_mismatch", condition: "c.currency <> c.service_currency",
        detail: "'currency ' || c.currency || ' differs from the service''s ' || c.service_currency"),
      ValidationRule(
        name: "scheduled_before_booked", condition: "c.scheduled_for < c.booking_time",
        detail: "'scheduled_for ' || c.scheduled_for || ' is before booking_time ' || c.booking_time"),
      implausible(["booking_time", "scheduled_for"], futureLimit: "2 years"),
    ],
    factTable: "booking_facts",
    factColumns: [
      ("booking_id", "c.booking_id"), ("service_id", "c.service_id"), ("user_id", "c.user_id"),
      ("provider_id", "c.service_provider"), ("category", "c.service_category"), ("city", "c.service_city"),
      ("status", "c.status"), ("booking_time", "c.booking_time"), ("scheduled_for", "c.scheduled_for"),
      ("local_date", "(c.scheduled_for AT TIME ZONE c.time_zone)::date"),
      ("local_weekday", "extract(isodow FROM c.scheduled_for AT TIME ZONE c.time_zone)::smallint"),
      ("experience_years", "c.experience_years"), ("list_price", "c.list_price"), ("charged_price", "c.price"),
      ("price_ratio", "round(c.price / c.list_price, 6)"), ("currency", "c.currency"),
      ("paid_amount", "c.paid_amount"), ("refunded_amount", "c.refunded_amount"),
      ("failed_attempts", "c.failed_attempts"), ("payment_count", "c.payment_count"),
      ("source_updated_at", "c.updated_at"), ("run_id", "$1"),
    ],
    tracksDeletion: true)

  static let payments = TableLoad(
    spec: .payments, enrichment: [], joins: "",
    rules: [
      missing("booking_id"), missing("amount"), nonFinite("amount"), nonPositive("amount"), tooLarge("amount"),
      invalidCurrency,
      unknownStatus(["pending", "succeeded", "failed", "refunded", "partially_refunded"]),
      ValidationRule(
        name: "invalid_refund",
        condition: "c.refunded_amount IN ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric) OR c.refunded_amount < 0",
        detail: "'refunded_amount ' || c.refunded_amount::text || ' is negative or not finite'"),
      ValidationRule(
        name: "refund_above_amount", condition: "coalesce(c.refunded_amount, 0) > c.amount",
        detail: "'refunded_amount ' || c.refunded_amount::text || ' is above amount ' || c.amount::text"),
      missing("created_at"),
      implausible(["created_at"], futureLimit: "1 day"),
    ],
    factTable: "payment_facts",
    factColumns: [
      ("payment_id", "c.payment_id"), ("booking_id", "c.booking_id"), ("amount", "c.amount"),
      ("currency", "c.currency"), ("status", "c.status"), ("refunded_amount", "coalesce(c.refunded_amount, 0)"),
      ("created_at", "c.created_at"), ("updated_at", "c.updated_at"), ("run_id", "$1"),
    ],
    tracksDeletion: true)

  static let feedbacks = TableLoad(
    spec: .feedbacks, enrichment: ["b.booking_id AS known_booking"],
    joins: "LEFT JOIN {{schema}}.booking_facts b ON b.booking_id = s.booking_id",
    rules: [
      missing("booking_id"),
      ValidationRule(
        name: "rating_out_of_range", condition: "c.rating IS NULL OR c.rating NOT BETWEEN 1 AND 5",
        detail: "'rating ' || coalesce(c.rating::text, 'NULL') || ' is not between 1 and 5'"),
      ValidationRule(
        name: "unknown_booking", condition: "c.known_booking IS NULL",
        detail: "'booking_id ' || c.booking_id || ' is not a known booking'"),
    ],
    factTable: "feedback_facts",
    factColumns: [
      ("feedback_id", "c.feedback_id"), ("booking_id", "c.booking_id"), ("rating", "c.rating"),
      ("comment", "c.comment"), ("created_at", "c.created_at"), ("run_id", "$1"),
    ],
    tracksDeletion: true)

  static let quotes = TableLoad(
    spec: .quotes,
    enrichment: [
      "sv.service_id AS known_service", "sv.category AS service_category", "sv.city AS service_city",
      "ct.time_zone AS time_zone", "old.category AS old_category", "old.city AS old_city",
      "old.local_date AS old_local_date", "old.multiplier AS old_multiplier", "old.source_deleted AS old_source_deleted",
    ],
    joins: """
      LEFT JOIN {{schema}}.services sv ON sv.service_id = s.service_id
      LEFT JOIN {{schema}}.cities ct ON ct.city = sv.city
      LEFT JOIN {{schema}}.quote_facts old ON old.quote_id = s.quote_id
      """,
    rules: [
      missing("service_id"), missing("quoted_at"), missing("price"), nonFinite("price"), nonPositive("price"),
      tooLarge("price"),
      ValidationRule(
        name: "invalid_multiplier",
        condition: "c.multiplier IS NULL OR c.multiplier = 'NaN'::numeric OR c.multiplier <= 0 OR c.multiplier > 10",
        detail: "'multiplier ' || coalesce(c.multiplier::text, 'NULL') || ' is not in (0, 10]'"),
      ValidationRule(
        name: "unknown_service", condition: "c.known_service IS NULL",
        detail: "'service_id ' || c.service_id || ' is not a known service'"),
    ],
    factTable: "quote_facts",
    factColumns: [
      ("quote_id", "c.quote_id"), ("service_id", "c.service_id"), ("user_id", "c.user_id"),
      ("quoted_at", "c.quoted_at"), ("scheduled_for", "c.scheduled_for"), ("price", "c.price"),
      ("multiplier", "c.multiplier"), ("version_id", "c.version_id"), ("booking_id", "c.booking_id"),
      ("category", "c.service_category"), ("city", "c.service_city"),
      ("local_date", "(c.scheduled_for AT TIME ZONE c.time_zone)::date"), ("run_id", "$1"),
    ],
    tracksDeletion: true)

  /// In load order: parents before children, and payments before bookings so that a booking's payment
  /// totals are computed as it is merged (no second pass over the booking facts).
  static let all: [TableLoad] = [cities, users, providers, services, payments, bookings, feedbacks, quotes]
}
