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
      // The source named only in the file too: it has no platform tables (65, naming the first one).
      (["ingest"], 65), (["run", "--report-dir", ""], 65),
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

  @Test("pricing seed checks its output files before it touches the source; fit refuses an empty --cells-out")
  func outputPaths() throws {
    let truth = try PricingBinary.run(
      ["seed", "--source", "host=127.0.0.1 port=1", "--truth-cells", "/nonexistent/cells.csv", "--quiet"])
    #expect(truth.status == 73)
    #expect(truth.standardError == "pricing: error: cannot write /nonexistent/cells.csv: no folder /nonexistent\n")
    let preset = try PricingBinary.run(["seed", "--preset", "tropical", "--quiet"])
    #expect(preset.status == 64)
    #expect(preset.standardError.contains("--preset must be one of classic, seasonal, southern, capacity, list-price, not tropical"))
    let cells = try PricingBinary.run(["fit", "--cells-out", "", "--quiet"])
    #expect(cells.status == 64)
    #expect(cells.standardError.contains("--cells-out must name a file"))
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

  @Test("--version prints the repository's VERSION, which every runs row records")
  func version() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let file = try String(contentsOf: root.appendingPathComponent("VERSION"), encoding: .utf8)
      .trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(ProgramVersion.current == file)
    let outcome = try PricingBinary.run(["--version"])
    #expect(outcome.status == 0)
    #expect(outcome.standardOutput == file + "\n")
    let (conninfo, config, folder) = try Self.configuredWarehouse()
    defer { try? FileManager.default.removeItem(at: folder) }
    _ = try PricingBinary.run(["fit", "--as-of", "2026-06-15", "--quiet"], environment: ["PRICING_CONFIG": config])
    let connection = try Connection(conninfo: conninfo, logger: TestDatabase.quietLogger)
    #expect(try connection.query("SELECT version FROM pricing.runs").scalar(String.self) == file)
  }

  @Test("config show: every setting, its value and where it came from; passwords masked")
  func configShow() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("show-\(UUID())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let config = folder.appendingPathComponent("pricing.toml").path
    try "[database]\nsource = \"host=db password=hunter2\"\n[policy]\nmax_multiplier = 1.4\n".write(
      toFile: config, atomically: true, encoding: .utf8)
    let outcome = try PricingBinary.run(
      ["config", "show", "--format", "json", "--config", config, "--schema", "prices"],
      environment: ["PRICING_RETRY_MAX_ATTEMPTS": "3"])
    #expect(outcome.status == 0)
    #expect(!outcome.standardOutput.contains("hunter2"))
    let settings = try #require(
      try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [[String: Any]])
    let byName = Dictionary(uniqueKeysWithValues: settings.map { ($0["name"] as! String, $0) })
    #expect(byName["database.source"]?["value"] as? String == "host=db password=***")
    #expect(byName["database.source"]?["origin"] as? String == "\(config):2")
    #expect(byName["policy.max_multiplier"]?["origin"] as? String == "\(config):4")
    #expect(byName["policy.max_multiplier"]?["value"] as? Double == 1.4)
    #expect(byName["ingest.full"]?["value"] as? Bool == false)
    #expect(byName["retry.max_attempts"]?["origin"] as? String == "PRICING_RETRY_MAX_ATTEMPTS")
    #expect(byName["retry.max_attempts"]?["value"] as? Int == 3)
    #expect(byName["database.schema"]?["origin"] as? String == "--schema")
    #expect(byName["report.days"]?["origin"] as? String == "default")
    #expect(byName["run.deadline_seconds"]?["value"] as? Int == 7200)
    let text = try PricingBinary.run(["config", "show", "--config", config])
    #expect(text.standardOutput.contains("[policy]\n"))
    #expect(text.standardOutput.contains("max_multiplier = 1.4  # \(config):4\n"))
  }

  @Test("a deadline that is not positive is a configuration error")
  func badDeadline() throws {
    let outcome = try PricingBinary.run(["run", "--quiet"], environment: ["PRICING_RUN_DEADLINE_SECONDS": "0"])
    #expect(outcome.status == 78)
    #expect(
      outcome.standardError
        == "pricing: error: config PRICING_RUN_DEADLINE_SECONDS: run.deadline_seconds must be between 1 and 604800\n")
  }

  @Test("run --format json writes a valid run result even when the run cannot start")
  func jsonOnFailure() throws {
    let outcome = try PricingBinary.run(
      ["run", "--warehouse", "host=127.0.0.1 port=1 connect_timeout=2", "--format", "json", "--quiet"],
      environment: ["PRICING_RETRY_MAX_ATTEMPTS": "1"])
    #expect(outcome.status == 69)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
    #expect(object["exit_code"] as? Int == 69)
    #expect(object["status"] as? String == "failed")
    #expect((object["error"] as? String)?.hasPrefix("cannot connect to PostgreSQL at 127.0.0.1:1") == true)
    #expect(object["run_id"] is NSNull)
  }
}
