import ArgumentParser
import Foundation
import Postgres
import Warehouse

/// `pricing migrate`: creates or upgrades the pipeline's schema in the warehouse; idempotent.
struct MigrateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "migrate", abstract: "Create or upgrade the pipeline's schema (idempotent).")

  @OptionGroup var options: GlobalOptions

  @Option(name: .customLong("reader-role"), help: "Also create this read-only role for the booking service.")
  var readerRole: String?

  @Option(name: .customLong("admin-role"), help: "Also create this role for admins: read the pricing tables, manage overrides.")
  var adminRole: String?

  func validate() throws {
    if let readerRole, readerRole == adminRole {
      throw ValidationError("--reader-role and --admin-role must differ: the booking service must not see overrides")
    }
  }

  func run() throws {
    try reportingFailures {
      let settings = try options.settings()
      let logger = options.makeLogger("migrate", settings: settings)
      let schema = try WarehouseSchema(name: settings.schema)
      let connection = try Connection(conninfo: settings.warehouseConninfo, logger: logger)
      let outcome = try Migrator(schema: schema, logger: logger).migrate(connection)
      print("schema \(schema.name) at version \(outcome.currentVersion) (applied: \(outcome.appliedVersions.count))")
      if let readerRole {
        let role = ReaderRole(schema: schema, role: try SQLIdentifier(readerRole))
        if try role.apply(connection, logger: logger) {
          print(
            "role \(readerRole) may read \(schema.name).current_multipliers and \(schema.name).experience_bands"
              + " and call \(schema.name).multiplier(category, city, experience_years, local_date)")
        } else {
          print("not permitted to create roles; the SQL to run:\n\(role.sql)")
        }
      }
      if let adminRole {
        let role = AdminRole(schema: schema, role: try SQLIdentifier(adminRole))
        let before = try role.existing(connection)
        if before.superuser {
          throw CommandFailure(
            status: .usage, message: "--admin-role \(adminRole) is a superuser: name a role of its own for the admins")
        }
        if before.exists {
          FileHandle.standardError.write(
            Data("pricing: role \(adminRole) existed: it keeps its other rights and gains the admins'\n".utf8))
        }
        if try role.apply(connection, logger: logger) {
          print(
            "role \(adminRole) may read the pricing tables and add and revoke overrides (\(schema.name).price_overrides)")
        } else {
          print("not permitted to create roles; the SQL to run:\n\(role.sql)")
        }
      }
    }
  }
}
