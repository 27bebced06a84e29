import Logging
import Postgres

/// Creates or upgrades the pipeline's schema: applies, in order, each migration newer than the
/// database's version, each in its own transaction together with its row in `schema_migrations`.
///
/// Concurrent runs are serialised by a transaction-level advisory lock, so two `pricing migrate` at once
/// apply each migration exactly once. Running it again is a no-op. A database that has a migration this
/// program does not know is refused (`schemaTooNew`) rather than touched, and so is a schema that holds
/// another application's tables (`invalidConfiguration`).
public struct Migrator {
  public let schema: WarehouseSchema
  public let migrations: [Migration]
  let logger: Logger

  public init(schema: WarehouseSchema, migrations: [Migration] = WarehouseMigrations.all, logger: Logger) {
    self.schema = schema
    self.migrations = migrations.sorted { $0.version < $1.version }
    self.logger = logger
  }

  /// The outcome of `migrate`.
  public struct Outcome: Sendable, Equatable {
    public var appliedVersions: [Int]
    public var currentVersion: Int
  }

  /// Applies the pending migrations; returns which ones ran.
  @discardableResult
  public func migrate(_ connection: Connection) throws -> Outcome {
    let lockKey = Connection.advisoryLockKey("pricing.migrate." + schema.name.name)
    try schema.refuseForeign(connection)
    do {
      try connection.execute(
        "CREATE SCHEMA IF NOT EXISTS \(schema.name.quoted)")
    } catch let error as PostgresError where error.sqlState == "23505" || error.sqlState == "42P06" {
      // Another migrate created it at the same moment: fine.
    }
    try connection.transaction { connection in
      try connection.query("SELECT pg_advisory_xact_lock(\(lockKey))")
      try connection.execute(
        """
        CREATE TABLE IF NOT EXISTS \(schema.table("schema_migrations").quoted) (
          version    integer PRIMARY KEY,
          name       text NOT NULL,
          checksum   text NOT NULL,
          applied_at timestamptz NOT NULL DEFAULT now()
        )
        """)
    }
    var applied: [Int] = []
    for migration in migrations {
      let ran = try connection.transaction { connection -> Bool in
        try connection.query("SELECT pg_advisory_xact_lock(\(lockKey))")
        let existing = try connection.query(
          "SELECT checksum FROM \(schema.table("schema_migrations")) WHERE version = \(migration.version)")
        if let row = existing.rows.first {
          let checksum = try row.decode(String.self, at: 0)
          if checksum != migration.checksum {
            logger.warning(
              "migration \(migration.version) (\(migration.name)) differs from the one applied; it is not re-applied")
          }
          return false
        }
        do {
          try connection.execute(migration.render(schema: schema.name))
        } catch let error as PostgresError {
          throw WarehouseError(
            code: .migrationFailed, message: "migration \(migration.version) (\(migration.name)) failed",
            underlying: error)
        }
        try connection.query(
          """
          INSERT INTO \(schema.table("schema_migrations")) (version, name, checksum)
          VALUES (\(migration.version), \(migration.name), \(migration.checksum))
          """)
        return true
      }
      if ran {
        logger.info("applied migration \(migration.version): \(migration.name)")
        applied.append(migration.version)
      }
    }
    let current = try schema.appliedVersion(connection) ?? 0
    try schema.refuseNewer(applied: current, newest: migrations.last?.version ?? 0)
    return Outcome(appliedVersions: applied, currentVersion: current)
  }
}
