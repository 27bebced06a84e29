import ArgumentParser
import Logging
import Postgres
import Warehouse

/// Options every database command takes: where the source and the warehouse are, the schema names,
/// and how to log.
public struct GlobalOptions: ParsableArguments {
  @Option(help: "Source database: a libpq connection string or postgresql:// URI (default: PG* environment).")
  public var source: String?

  @Option(help: "Warehouse database (default: the source connection).")
  public var warehouse: String?

  @Option(name: .customLong("schema"), help: "The pipeline's schema in the warehouse.")
  public var schema: String = WarehouseSchema.defaultName

  @Option(name: .customLong("source-schema"), help: "The booking platform's schema in the source.")
  public var sourceSchema: String = "public"

  @Option(name: .customLong("log-format"), help: "Log line format: text or json.")
  public var logFormat: String = "text"

  @Flag(help: "Only warnings and errors in the log (for cron).")
  public var quiet = false

  @Flag(help: "Debug messages in the log.")
  public var verbose = false

  public init() {}

  public mutating func validate() throws {
    guard StderrLogHandler.Format(rawValue: logFormat) != nil else {
      throw ValidationError("--log-format must be text or json")
    }
  }

  /// The source conninfo ("" means libpq's environment defaults).
  public var sourceConninfo: String { source ?? "" }
  /// The warehouse conninfo: `--warehouse`, else the source's.
  public var warehouseConninfo: String { warehouse ?? sourceConninfo }

  public func makeLogger(_ label: String) -> Logger {
    let format = StderrLogHandler.Format(rawValue: logFormat) ?? .text
    let level: Logger.Level = quiet ? .warning : (verbose ? .debug : .info)
    return StderrLogHandler.logger(label: label, format: format, level: level)
  }

  public func warehouseSchema() throws -> WarehouseSchema { try WarehouseSchema(name: schema) }

  /// A connection to the warehouse at `conninfo` whose `schema` is at this program's newest migration
  /// (else a `WarehouseError` that says to run `pricing migrate`).
  func connectWarehouse(_ conninfo: String, schema: WarehouseSchema, logger: Logger) throws -> Connection {
    let connection = try Connection(conninfo: conninfo, logger: logger)
    try schema.requireMigrated(connection)
    return connection
  }

  public func sourceSchemaIdentifier() throws -> SQLIdentifier {
    do {
      return try SQLIdentifier(sourceSchema)
    } catch let error as PostgresError {
      throw CommandFailure(status: .configuration, message: "--source-schema: \(error.message)")
    }
  }
}
