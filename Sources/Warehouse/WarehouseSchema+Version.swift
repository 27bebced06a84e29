import Postgres

// MARK: - The schema's version

extension WarehouseSchema {
  /// The newest migration applied to this schema (`schema_migrations`), nil when the schema or that
  /// table does not exist, 0 when it is empty.
  public func appliedVersion(_ connection: Connection) throws -> Int? {
    let migrations = table("schema_migrations")
    guard try connection.query("SELECT to_regclass(\(migrations.quoted)) IS NOT NULL").scalar(Bool.self) else {
      return nil
    }
    return try connection.query("SELECT coalesce(max(version), 0)::int8 FROM \(migrations)").scalar(Int.self)
  }

  /// Refuses to work on a warehouse whose schema is not at this program's newest migration: missing or
  /// older (`notMigrated`: run `pricing migrate`), or newer (`schemaTooNew`: an older binary must not
  /// write into tables a newer one laid out). Every command but `migrate` calls this before touching
  /// the schema, so that a forgotten migration after an upgrade stops the run with one line that says
  /// what to do, instead of an SQL error from the middle of a step.
  public func requireMigrated(_ connection: Connection, migrations: [Migration] = WarehouseMigrations.all) throws {
    let newest = migrations.map(\.version).max() ?? 0
    guard let applied = try appliedVersion(connection), applied > 0 else {
      throw WarehouseError(
        code: .notMigrated, message: "schema \(name) is not in the warehouse: run pricing migrate first")
    }
    if applied < newest {
      throw WarehouseError(
        code: .notMigrated,
        message: "schema \(name) is at version \(applied), this program needs \(newest): run pricing migrate first")
    }
    try refuseNewer(applied: applied, newest: newest)
  }

  /// Refuses a schema that exists and holds tables or views but no `schema_migrations`: another
  /// application's schema (the booking platform's `public`, when source and warehouse are one database),
  /// which the pipeline's migrations and loads must never write into. An empty schema is accepted.
  func refuseForeign(_ connection: Connection) throws {
    guard try appliedVersion(connection) == nil else { return }
    let relations = try connection.query(
      """
      SELECT count(*)::int8 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = \(name.name) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
      """
    ).scalar(Int.self)
    guard relations > 0 else { return }
    throw WarehouseError(
      code: .invalidConfiguration,
      message:
        "schema \(name) already holds \(relations) tables of another application: give the pipeline its own (--schema)")
  }

  /// Throws `schemaTooNew` when the database holds a migration newer than `newest`.
  func refuseNewer(applied: Int, newest: Int) throws {
    guard applied > newest else { return }
    throw WarehouseError(
      code: .schemaTooNew, message: "schema \(name) is at version \(applied), newer than this program's \(newest)")
  }
}
