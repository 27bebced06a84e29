import Postgres

/// The admins' role (docs/overrides.md): it may read the pricing tables and manage overrides (add and
/// revoke them), and nothing else; it cannot write price versions, candidates or model runs (publishing,
/// `--reapply-overrides` included, stays with the pipeline's own role).
public struct AdminRole: GrantedRole {
  public let schema: WarehouseSchema
  public let role: SQLIdentifier

  public init(schema: WarehouseSchema, role: SQLIdentifier) {
    self.schema = schema
    self.role = role
  }

  /// The tables it reads.
  static let readable = [
    "current_multipliers", "published_multipliers", "price_versions", "current_version", "candidate_multipliers",
    "candidate_factors", "candidate_overrides", "model_runs", "expected_outcomes", "publish_events",
    "experience_bands", "price_overrides", "services", "cities", "runs", "run_steps", "schema_migrations",
  ]

  /// The statements, for a DBA to run when `pricing migrate` may not create roles.
  public var sql: String {
    let tables = Self.readable.map { schema.table($0).quoted }.joined(separator: ", ")
    let overrides = schema.table("price_overrides").quoted
    return """
      DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '\(role.name)') THEN CREATE ROLE \(role.quoted) LOGIN; END IF;
      END $$;
      GRANT USAGE ON SCHEMA \(schema.name.quoted) TO \(role.quoted);
      GRANT SELECT ON \(tables) TO \(role.quoted);
      GRANT INSERT (category, city, experience_band, valid_from, valid_to, kind, value, reason, created_by, expires_at)
        ON \(overrides) TO \(role.quoted);
      GRANT UPDATE (revoked_at, revoked_by, revoke_reason) ON \(overrides) TO \(role.quoted);
      -- The booking service's grants (--reader-role) are not the admins': a role cannot be both.
      GRANT USAGE ON SEQUENCE \(schema.table("price_overrides_override_id_seq").quoted) TO \(role.quoted);
      """
  }

  /// Whether the role exists already (its grants are added to whatever it had), and whether it is a superuser
  /// (whom grants do not limit).
  public func existing(_ connection: Connection) throws -> (exists: Bool, superuser: Bool) {
    let row = try connection.query(
      "SELECT count(*) > 0, coalesce(bool_or(rolsuper), false) FROM pg_roles WHERE rolname = \(role.name)"
    ).single()
    return (try row.decode(Bool.self, at: 0), try row.decode(Bool.self, at: 1))
  }
}
