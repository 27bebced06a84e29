/// How one source table is read: its columns (contract order and types), its key, and how changes are found.
///
/// - `.updatedAt`: rows whose `updated_at` is past the last watermark minus the overlap window, plus rows
///   with a NULL `updated_at` (they cannot be tracked, so they are re-read each run);
/// - `.appendOnlyByKey`: rows whose key is above the largest key seen (the table has no `updated_at`:
///   users, feedbacks, quotes); changes to old rows are picked up by `--full`;
/// - `.alwaysFull`: a small reference table read whole every run (cities).
///
/// Every run also re-reads the rows currently in quarantine (by key), so that a row whose problem was a
/// missing parent (an unknown service, say) leaves quarantine once the parent arrives.
struct SourceTableSpec: Sendable {
  enum Tracking: Sendable { case updatedAt, appendOnlyByKey, alwaysFull }

  let name: String
  let key: String
  /// Column names and SQL types, in contract order.
  let columns: [(name: String, type: String)]
  let tracking: Tracking
  /// The `quotes` table is optional in the contract.
  let optional: Bool

  var columnList: String { columns.map(\.name).joined(separator: ", ") }

  static let cities = SourceTableSpec(
    name: "cities", key: "city",
    columns: [("city", "text"), ("time_zone", "text"), ("country", "text")], tracking: .alwaysFull, optional: false)

  /// Names and contact details are personal data: they are never read.
  static let users = SourceTableSpec(
    name: "users", key: "user_id",
    columns: [("user_id", "bigint"), ("type", "text"), ("city", "text"), ("created_at", "timestamptz")],
    tracking: .appendOnlyByKey, optional: false)

  static let providers = SourceTableSpec(
    name: "providers", key: "provider_id",
    columns: [
      ("provider_id", "bigint"), ("experience_years", "numeric"), ("weekly_capacity", "integer"), ("status", "text"),
      ("onboarded_at", "timestamptz"), ("updated_at", "timestamptz"),
    ], tracking: .updatedAt, optional: false)

  static let services = SourceTableSpec(
    name: "services", key: "service_id",
    columns: [
      ("service_id", "bigint"), ("title", "text"), ("category", "text"), ("city", "text"), ("price", "numeric"),
      ("currency", "text"), ("provider_id", "bigint"), ("active", "boolean"), ("created_at", "timestamptz"),
      ("updated_at", "timestamptz"),
    ], tracking: .updatedAt, optional: false)

  static let bookings = SourceTableSpec(
    name: "bookings", key: "booking_id",
    columns: [
      ("booking_id", "bigint"), ("service_id", "bigint"), ("user_id", "bigint"), ("status", "text"),
      ("booking_time", "timestamptz"), ("scheduled_for", "timestamptz"), ("price", "numeric"), ("currency", "text"),
      ("updated_at", "timestamptz"),
    ], tracking: .updatedAt, optional: false)

  static let payments = SourceTableSpec(
    name: "payments", key: "payment_id",
    columns: [
      ("payment_id", "bigint"), ("booking_id", "bigint"), ("amount", "numeric"), ("currency", "text"),
      ("status", "text"), ("refunded_amount", "numeric"), ("created_at", "timestamptz"), ("updated_at", "timestamptz"),
    ], tracking: .updatedAt, optional: false)

  static let feedbacks = SourceTableSpec(
    name: "feedbacks", key: "feedback_id",
    columns: [
      ("feedback_id", "bigint"), ("booking_id", "bigint"), ("rating", "smallint"), ("comment", "text"),
      ("created_at", "timestamptz"),
    ], tracking: .appendOnlyByKey, optional: false)

  static let quotes = SourceTableSpec(
    name: "quotes", key: "quote_id",
    columns: [
      ("quote_id", "bigint"), ("service_id", "bigint"), ("user_id", "bigint"), ("quoted_at", "timestamptz"),
      ("scheduled_for", "timestamptz"), ("price", "numeric"), ("multiplier", "numeric"), ("version_id", "bigint"),
      ("booking_id", "bigint"),
    ], tracking: .appendOnlyByKey, optional: true)

  /// In load order: parents before children.
  static let all: [SourceTableSpec] = [cities, users, providers, services, bookings, payments, feedbacks, quotes]
}

extension SourceTableSpec {
  /// The source column types each contract type is read from: the type itself and the narrower types of
  /// its family (an `integer` key where the contract says `bigint`), never text where a number or a time is
  /// contracted (one unparsable value would fail the whole batch). Domains are judged by their base type;
  /// a `numeric` of any precision is a `numeric` (values too large for the facts are quarantined).
  static let acceptedSourceTypes: [String: Set<String>] = [
    "bigint": ["bigint", "integer", "smallint"],
    "integer": ["integer", "smallint"],
    "smallint": ["smallint"],
    "numeric": ["numeric", "bigint", "integer", "smallint"],
    "text": ["text", "character varying", "character", "name"],
    "boolean": ["boolean"],
    "timestamptz": ["timestamp with time zone"],
  ]

  /// Whether a source column of `sourceType` (as `format_type` names it, without a modifier) can be read as
  /// `contractType`.
  static func accepts(_ contractType: String, from sourceType: String) -> Bool {
    acceptedSourceTypes[contractType]?.contains(sourceType) ?? (contractType == sourceType)
  }
}
