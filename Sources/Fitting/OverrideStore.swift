import Foundation
import Postgres
import PricingModel
import Warehouse

/// Reads and writes `price_overrides` (docs/overrides.md): adds them after checking them against the
/// warehouse, lists, shows and revokes them, and gives the fit the overrides that apply to its horizon.
public struct OverrideStore {
  public let schema: WarehouseSchema

  public init(schema: WarehouseSchema) { self.schema = schema }

  /// An override to add, as the command line gives it (checked for shape by the command; `add` checks it
  /// against the data).
  public struct Request: Sendable, Equatable {
    public var category: String
    public var city: String?
    public var band: String?
    public var from: LocalDate
    public var to: LocalDate
    public var kind: PriceOverride.Kind
    public var value: Double?
    public var reason: String
    /// A timestamp PostgreSQL reads (`2026-12-31 18:00`, with or without a zone; the server's zone if none).
    public var expires: String?

    public init(
      category: String, city: String?, band: String?, from: LocalDate, to: LocalDate, kind: PriceOverride.Kind,
      value: Double?, reason: String, expires: String?
    ) {
      self.category = category
      self.city = city
      self.band = band
      self.from = from
      self.to = to
      self.kind = kind
      self.value = value
      self.reason = reason
      self.expires = expires
    }
  }

  /// One override as `list` and `show` print it (the JSON keys of docs/contracts.md section 3).
  public struct Record: Sendable, Equatable, Codable {
    public var id: Int64
    public var kind: String
    public var category: String
    public var city: String?
    public var experience_band: String?
    public var valid_from: String
    public var valid_to: String
    public var value: Double?
    public var reason: String
    public var created_by: String
    public var created_at: String
    public var expires_at: String?
    public var revoked_at: String?
    public var revoked_by: String?
    public var revoke_reason: String?
    /// `active` (applies to today or later days), `scheduled` (starts after today), `ended` (its last day
    /// passed), `expired`, `revoked`.
    public var status: String

    enum CodingKeys: String, CodingKey {
      case id, kind, category, city, experience_band, valid_from, valid_to, value, reason, created_by, created_at
      case expires_at, revoked_at, revoked_by, revoke_reason, status
    }

    /// Every key, absent values as null (the contract's keys are always there).
    public func encode(to encoder: Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(id, forKey: .id)
      try container.encode(kind, forKey: .kind)
      try container.encode(category, forKey: .category)
      try container.encode(city, forKey: .city)
      try container.encode(experience_band, forKey: .experience_band)
      try container.encode(valid_from, forKey: .valid_from)
      try container.encode(valid_to, forKey: .valid_to)
      try container.encode(value, forKey: .value)
      try container.encode(reason, forKey: .reason)
      try container.encode(created_by, forKey: .created_by)
      try container.encode(created_at, forKey: .created_at)
      try container.encode(expires_at, forKey: .expires_at)
      try container.encode(revoked_at, forKey: .revoked_at)
      try container.encode(revoked_by, forKey: .revoked_by)
      try container.encode(revoke_reason, forKey: .revoke_reason)
      try container.encode(status, forKey: .status)
    }
  }

  private var columns: String {
    """
    override_id, kind, category, city, experience_band, valid_from::text, valid_to::text, value::float8, reason,
    created_by, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    to_char(revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), revoked_by, revoke_reason,
    CASE WHEN revoked_at IS NOT NULL THEN 'revoked'
         WHEN expires_at IS NOT NULL AND expires_at <= now() THEN 'expired'
         WHEN valid_to < (now() AT TIME ZONE 'UTC')::date THEN 'ended'
         WHEN valid_from > (now() AT TIME ZONE 'UTC')::date THEN 'scheduled'
         ELSE 'active' END
    """
  }

  private func record(_ row: Row) throws -> Record {
    Record(
      id: try row.decode(Int64.self, at: 0), kind: try row.decode(String.self, at: 1),
      category: try row.decode(String.self, at: 2), city: try row.decode(String?.self, at: 3),
      experience_band: try row.decode(String?.self, at: 4), valid_from: try row.decode(String.self, at: 5),
      valid_to: try row.decode(String.self, at: 6), value: try row.decode(Double?.self, at: 7),
      reason: try row.decode(String.self, at: 8), created_by: try row.decode(String.self, at: 9),
      created_at: try row.decode(String.self, at: 10), expires_at: try row.decode(String?.self, at: 11),
      revoked_at: try row.decode(String?.self, at: 12), revoked_by: try row.decode(String?.self, at: 13),
      revoke_reason: try row.decode(String?.self, at: 14), status: try row.decode(String.self, at: 15))
  }

  /// Checks a request against the warehouse: the category, city and band exist; the range is not wholly past
  /// (`today`, else the server's date in UTC); the expiry reads as a timestamp; a `min` is not above a `max`
  /// of the same scope on overlapping days, nor a `max` below a `min`. A `FitError.invalidRequest` saying
  /// what to change otherwise.
  public func check(_ connection: Connection, _ request: Request, today: LocalDate? = nil) throws {
    func fail(_ message: String) -> FitError { FitError(code: .invalidRequest, message: message) }
    let known = try connection.query(
      """
      SELECT EXISTS (SELECT 1 FROM \(schema.table("services")) WHERE category = \(request.category) AND NOT source_deleted),
             \(request.city)::text IS NULL OR EXISTS (SELECT 1 FROM \(schema.table("cities")) WHERE city = \(request.city)::text),
             \(request.band)::text IS NULL
               OR EXISTS (SELECT 1 FROM \(schema.table("experience_bands")) WHERE band = \(request.band)::text),
             (SELECT string_agg(band, ', ' ORDER BY min_years) FROM \(schema.table("experience_bands"))),
             coalesce(\(today), (now() AT TIME ZONE 'UTC')::date)
      """
    ).single()
    guard try known.decode(Bool.self, at: 0) else {
      throw fail("unknown category \(request.category): no service offers it")
    }
    guard try known.decode(Bool.self, at: 1) else { throw fail("unknown city \(request.city ?? "")") }
    guard try known.decode(Bool.self, at: 2) else {
      throw fail("unknown band \(request.band ?? ""): the bands are \(try known.decode(String?.self, at: 3) ?? "none")")
    }
    let serverToday = try known.decode(LocalDate.self, at: 4)
    guard request.to >= serverToday else {
      throw fail(
        "\(request.from)..\(request.to) is wholly past (today is \(serverToday), UTC): an override changes prices to come")
    }
    if let expires = request.expires {
      let valid: Bool
      do {
        valid = try connection.query(
          "SELECT isfinite(\(expires)::timestamptz) AND \(expires)::timestamptz > now()"
        ).scalar(Bool.self)
      } catch let error as PostgresError where error.sqlState?.hasPrefix("22") == true {
        throw fail("--expires \(expires) is not a timestamp (2026-12-31 18:00, with or without a zone)")
      }
      guard valid else { throw fail("--expires \(expires) is not in the future") }
      // An override applies to the days before its expiry's date (UTC): one that expires before its first
      // day still to come would change nothing.
      let first = max(request.from, serverToday)
      let covers = try connection.query(
        "SELECT (\(expires)::timestamptz AT TIME ZONE 'UTC')::date > \(first)::date"
      ).scalar(Bool.self)
      guard covers else {
        throw fail(
          "--expires \(expires) leaves no day to override: an override applies to the days before its expiry's date "
            + "(UTC), and its first day still to come is \(first)")
      }
    }
    guard request.kind == .min || request.kind == .max, let value = request.value else { return }
    let opposite = request.kind == .min ? "max" : "min"
    let conflict = try connection.query(
      """
      SELECT override_id, value::float8 FROM \(schema.table("price_overrides"))
      WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now()) AND kind = \(opposite)
        AND category = \(request.category) AND city IS NOT DISTINCT FROM \(request.city)::text
        AND experience_band IS NOT DISTINCT FROM \(request.band)::text
        AND valid_from <= \(request.to) AND valid_to >= \(request.from)
        AND CASE WHEN \(request.kind.rawValue) = 'min' THEN value < \(value)::numeric ELSE value > \(value)::numeric END
      ORDER BY override_id LIMIT 1
      """
    ).rows.first
    if let conflict {
      throw fail(
        "a \(request.kind.rawValue) of \(String(format: "%.4f", value)) \(request.kind == .min ? "above" : "below") the \(opposite) "
          + "\(String(format: "%.4f", try conflict.decode(Double.self, at: 1))) of override \(try conflict.decode(Int64.self, at: 0)) "
          + "for the same scope and overlapping days: revoke that one first, or change the value")
    }
  }

  /// Adds the override (after `check`) and returns its id.
  public func add(_ connection: Connection, _ request: Request, actor: String, today: LocalDate? = nil) throws -> Int64 {
    try check(connection, request, today: today)
    return try connection.query(
      """
      INSERT INTO \(schema.table("price_overrides"))
        (category, city, experience_band, valid_from, valid_to, kind, value, reason, created_by, expires_at)
      VALUES (\(request.category), \(request.city), \(request.band), \(request.from), \(request.to),
              \(request.kind.rawValue), \(request.value)::numeric, \(request.reason), \(actor),
              \(request.expires)::timestamptz)
      RETURNING override_id
      """
    ).scalar(Int64.self)
  }

  /// Every override (newest first), or only those not revoked, expired or ended.
  public func list(_ connection: Connection, activeOnly: Bool) throws -> [Record] {
    var query: SQLQuery = "SELECT "
    query.append(SQLQuery(unsafeSQL: columns))
    query.append(" FROM \(schema.table("price_overrides"))")
    if activeOnly {
      query.append(
        " WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now()) AND valid_to >= (now() AT TIME ZONE 'UTC')::date"
      )
    }
    query.append(" ORDER BY override_id DESC")
    return try connection.query(query).rows.map(record)
  }

  public func show(_ connection: Connection, id: Int64) throws -> Record {
    var query: SQLQuery = "SELECT "
    query.append(SQLQuery(unsafeSQL: columns))
    query.append(" FROM \(schema.table("price_overrides")) WHERE override_id = \(id)")
    guard let row = try connection.query(query).rows.first else {
      throw FitError(code: .invalidRequest, message: "no override \(id)")
    }
    return try record(row)
  }

  /// Revokes an override (it stays, with who revoked it, when and why).
  public func revoke(_ connection: Connection, id: Int64, reason: String, actor: String) throws {
    let updated = try connection.query(
      """
      UPDATE \(schema.table("price_overrides"))
      SET revoked_at = now(), revoked_by = \(actor), revoke_reason = \(reason)
      WHERE override_id = \(id) AND revoked_at IS NULL
      RETURNING override_id
      """
    ).rows.count
    guard updated == 1 else {
      let exists = try connection.query(
        "SELECT count(*) FROM \(schema.table("price_overrides")) WHERE override_id = \(id)"
      ).scalar(Int.self)
      throw FitError(
        code: .invalidRequest, message: exists == 0 ? "no override \(id)" : "override \(id) is already revoked")
    }
  }

  /// The overrides in force that touch [from, through]: not revoked, not expired; each with the first day it
  /// no longer applies to when it expires (its expiry's date in UTC).
  public func inForce(_ connection: Connection, from: LocalDate, through: LocalDate) throws -> [PriceOverride] {
    try connection.query(
      """
      SELECT override_id, category, city, experience_band, valid_from, valid_to, kind, value::float8, reason,
             created_by, (expires_at AT TIME ZONE 'UTC')::date
      FROM \(schema.table("price_overrides"))
      WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
        AND valid_to >= \(from) AND valid_from <= \(through)
      ORDER BY override_id
      """
    ).rows.map { row in
      PriceOverride(
        id: try row.decode(Int64.self, at: 0), category: try row.decode(String.self, at: 1),
        city: try row.decode(String?.self, at: 2), band: try row.decode(String?.self, at: 3),
        from: CalendarDay(daysSinceEpoch: try row.decode(LocalDate.self, at: 4).daysSinceEpoch),
        to: CalendarDay(daysSinceEpoch: try row.decode(LocalDate.self, at: 5).daysSinceEpoch),
        kind: PriceOverride.Kind(rawValue: try row.decode(String.self, at: 6))!, value: try row.decode(Double?.self, at: 7),
        reason: try row.decode(String.self, at: 8), createdBy: try row.decode(String.self, at: 9),
        expiresOn: try row.decode(LocalDate?.self, at: 10).map { CalendarDay(daysSinceEpoch: $0.daysSinceEpoch) })
    }
  }
}
