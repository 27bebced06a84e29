import Foundation
import Postgres
import TestSupport
import Testing
import Warehouse

/// Every command reads the warehouse from the configuration file when no flag names it (one settings
/// layer), and the operator-facing refusals of the reliability defects.
@Suite("Settings: every command reads the configuration file")
struct SettingsCommandTests {
  /// A migrated, empty warehouse named only in a pricing.toml.
  static func configuredWarehouse() throws -> (conninfo: String, config: String, folder: URL) {
    let (conninfo, connection) = try TestDatabase.connect(label: "settings")
    try Migrator(schema: try WarehouseSchema(), logger: TestDatabase.quietLogger).migrate(connection)
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("settings-\(UUID())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let config = folder.appendingPathComponent("pricing.toml").path
    try "[database]\nwarehouse = \"\(conninfo)\"\nsource = \"\(conninfo)\"\n".write(
      toFile: config, atomically: true, encoding: .utf8)
    return (conninfo, config, folder)
  }

  @Test(
    "with the warehouse named only in $PRICING_CONFIG, each command reaches it (never 'run pricing migrate')",
    arguments: [
      (["migrate"], 0), (["status"], 82), (["rollback"], 65), (["publish"], 65), (["model", "show"], 65),
      (["fit", "--as-of", "2026-06-15"], 65), (["report", "--out", "{out}"], 0),
      (["explain", "--category", "cleaning", "--city", "Berlin", "--date", "2026-06-15"], 65),
    ] as [([String], Int32)])
  func warehouseFromFile(command: [String], status: Int32) throws {
    let (_, config, folder) = try Self.configuredWarehouse()
    defer { try? FileManager.default.removeItem(at: folder) }
    let arguments = command.map { $0 == "{out}" ? folder.appendingPathComponent("report").path : $0 } + ["--quiet"]
    let outcome = try PricingBinary.run(arguments, environment: ["PRICING_CONFIG": config])
    #expect(!outcome.standardError.contains("migrate"), "\(outcome.standardError)")
    #expect(outcome.status == status, "\(outcome.standardError)")
    // The same through --config.
    let flagged = try PricingBinary.run(arguments + ["--config", config], environment: ["PRICING_CONFIG": "/nonexistent"])
    #expect(flagged.status == status, "\(flagged.standardError)")
  }

  @Test("flags out of the file's ranges exit 64 naming the flag; a missing holidays file 78 before any database")
  func flagRanges() throws {
    let overlap = try PricingBinary.run(["ingest", "--overlap-minutes", "99999999999", "--quiet"])
    #expect(overlap.status == 64)
    #expect(overlap.standardError == "pricing: error: --overlap-minutes must be between 0 and 10080\n")
    let age = try PricingBinary.run(["status", "--max-age-hours", "inf", "--quiet"])
    #expect(age.status == 64)
    #expect(age.standardError == "pricing: error: --max-age-hours must be a number\n")
    let asOf = try PricingBinary.run(["fit", "--as-of", "9999-12-31", "--quiet"])
    #expect(asOf.status == 64)
    #expect(asOf.standardError.contains("--as-of must be between 1900-01-01 and 2999-12-31"))
    let holidays = try PricingBinary.run(
      ["run", "--warehouse", "host=127.0.0.1 port=1", "--quiet"],
      environment: ["PRICING_FIT_HOLIDAYS_FILE": "/nonexistent/holidays.csv"])
    #expect(holidays.status == 78)
    #expect(
      holidays.standardError
        == "pricing: error: config: fit.holidays_file: /nonexistent/holidays.csv: cannot open: No such file or directory\n")
  }

  @Test("an unknown database or role is not retried: exit 69 at once")
  func permanentRefusal() throws {
    let started = Date()
    let outcome = try PricingBinary.run(
      ["run", "--warehouse", "dbname=no_such_database_for_pricing", "--report-dir", "", "--quiet"],
      environment: ["PRICING_RETRY_INITIAL_DELAY_SECONDS": "2"])
    #expect(outcome.status == 69)
    #expect(Date().timeIntervalSince(started) < 2)
    let malformed = try PricingBinary.run(["status", "--warehouse", "host=x password=secret nonsense", "--quiet"])
    #expect(malformed.status == 78)
    #expect(!malformed.standardError.contains("secret"))
  }
}
