import ArgumentParser
import Foundation
import Logging
import Pipeline
import Postgres
import Warehouse

/// Options every database command takes: the configuration file, where the source and the warehouse
/// are, the schema names, and how to log.
///
/// Every command resolves its settings here, one way (`settings()`): the built-in defaults, then the
/// configuration file (`--config`, else `$PRICING_CONFIG`), then `PRICING_<SECTION>_<KEY>` variables, then
/// these flags, validated once. Connections are opened from the result (`connectWarehouse`), so a
/// warehouse named only in the file is the warehouse of every command.
public struct GlobalOptions: ParsableArguments {
  @Option(help: "The configuration file, pricing.toml (default: $PRICING_CONFIG, else built-in defaults).")
  public var config: String?

  @Option(help: "Source database: a libpq connection string or postgresql:// URI (overrides database.source).")
  public var source: String?

  @Option(help: "Warehouse database (overrides database.warehouse; default: the source connection).")
  public var warehouse: String?

  @Option(name: .customLong("schema"), help: "The pipeline's schema in the warehouse (overrides database.schema).")
  public var schema: String?

  @Option(
    name: .customLong("source-schema"),
    help: "The booking platform's schema in the source (overrides database.source_schema).")
  public var sourceSchema: String?

  @Option(name: .customLong("log-format"), help: "Log line format: text or json (overrides log.format).")
  public var logFormat: String?

  @Flag(help: "Only warnings and errors in the log (for cron).")
  public var quiet = false

  @Flag(help: "Debug messages in the log.")
  public var verbose = false

  public init() {}

  public mutating func validate() throws {
    if let logFormat, StderrLogHandler.Format(rawValue: logFormat) == nil {
      throw ValidationError("--log-format must be text or json")
    }
  }

  /// The effective settings: defaults < file < `PRICING_*` < these flags, validated.
  public func settings(environment: [String: String] = ProcessInfo.processInfo.environment) throws
    -> PipelineConfig
  {
    var settings = try PipelineConfig.load(file: config, environment: environment, validating: false)
    for (flag, setting, value) in [
      ("--source", "database.source", source), ("--warehouse", "database.warehouse", warehouse),
      ("--schema", "database.schema", schema), ("--source-schema", "database.source_schema", sourceSchema),
      ("--log-format", "log.format", logFormat),
    ] {
      if let value { try settings.apply(flag: flag, setting: setting, value: value) }
    }
    try settings.validate()
    return settings
  }

  /// The logger of a command: the settings' format and level, `--quiet` and `--verbose` winning.
  public func makeLogger(_ label: String, settings: PipelineConfig? = nil) -> Logger {
    let format =
      StderrLogHandler.Format(rawValue: logFormat ?? settings?.logFormat ?? "text") ?? .text
    let level: Logger.Level =
      quiet ? .warning : verbose ? .debug : (settings.flatMap { Logger.Level(rawValue: $0.logLevel) } ?? .info)
    return StderrLogHandler.logger(label: label, format: format, level: level)
  }

  /// A connection to the settings' warehouse whose schema is at this program's newest migration (else a
  /// `WarehouseError` that says to run `pricing migrate`).
  func connectWarehouse(_ settings: PipelineConfig, logger: Logger) throws -> (Connection, WarehouseSchema) {
    let schema = try WarehouseSchema(name: settings.schema)
    let connection = try Connection(conninfo: settings.warehouseConninfo, logger: logger)
    try schema.requireMigrated(connection)
    return (connection, schema)
  }

  /// The settings' source schema as an identifier.
  func sourceSchemaIdentifier(_ settings: PipelineConfig) throws -> SQLIdentifier {
    do {
      return try SQLIdentifier(settings.sourceSchema)
    } catch let error as PostgresError {
      throw CommandFailure(status: .configuration, message: "database.source_schema: \(error.message)")
    }
  }
}
