import Foundation
import Pipeline
import Postgres
import TestSupport
import Testing
import Warehouse

@Suite("pricing run and pricing report on the command line")
struct RunAndReportCommandTests {
  func configFile(_ text: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("pricing-\(UUID()).toml")
    try Data(text.utf8).write(to: url)
    return url
  }

  @Test(
    "a bad configuration exits 78 naming the setting, before touching any database",
    arguments: [
      ("[retry]\nmax_atempts = 3\n", "config FILE:2: unknown setting retry.max_atempts"),
      ("[policy]\nmin_multiplier = -0.2\n", "config FILE: policy.min_multiplier must be in (0, 1]"),
      ("[policy]\nmax_multiplier = 25\n", "config FILE: policy.max_multiplier must be in [1, 9.9999]"),
    ])
  func badConfiguration(_ text: String, _ message: String) throws {
    let file = try configFile(text)
    defer { try? FileManager.default.removeItem(at: file) }
    let outcome = try PricingBinary.run(["run", "--config", file.path, "--warehouse", "host=/nonexistent", "--quiet"])
    #expect(outcome.status == 78)
    #expect(outcome.standardError == "pricing: error: \(message.replacingOccurrences(of: "FILE", with: file.path))\n")
  }

  @Test("an environment override with a typo exits 78")
  func environmentTypo() throws {
    let outcome = try PricingBinary.run(
      ["run", "--warehouse", "host=/nonexistent", "--quiet"], environment: ["PRICING_REPORT_DAYZ": "7"])
    #expect(outcome.status == 78)
    #expect(outcome.standardError == "pricing: error: config PRICING_REPORT_DAYZ: unknown setting report.dayz\n")
  }

  @Test("while another run holds the lock, pricing run exits 75 at once and records no run")
  func locked() throws {
    let (conninfo, connection) = try TestDatabase.connect(label: "runlock")
    try Migrator(schema: try WarehouseSchema(), logger: TestDatabase.quietLogger).migrate(connection)
    #expect(try connection.tryAdvisoryLock(PipelineRunner.lockKey(try WarehouseSchema())))
    let outcome = try PricingBinary.run(["run", "--source", conninfo, "--warehouse", conninfo, "--quiet"])
    #expect(outcome.status == 75)
    #expect(outcome.standardError == "pricing: error: another pricing run holds the lock on schema pricing\n")
    #expect(try connection.query("SELECT count(*) FROM pricing.runs").scalar(Int.self) == 0)
  }

  @Test("pricing report writes the folder and prints the index path; bad periods exit 64, an unwritable folder 73")
  func report() throws {
    let (conninfo, connection) = try TestDatabase.connect(label: "reportcli")
    try Migrator(schema: try WarehouseSchema(), logger: TestDatabase.quietLogger).migrate(connection)
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID())")
    defer { try? FileManager.default.removeItem(at: folder) }
    let written = try PricingBinary.run(["report", "--warehouse", conninfo, "--out", folder.path, "--quiet"])
    #expect(written.status == 0)
    #expect(written.standardOutput == folder.appendingPathComponent("index.html").path + "\n")
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
    #expect(files.contains("index.html"))
    #expect(files.contains("marketplace_weekly.csv"))

    let backwards = try PricingBinary.run([
      "report", "--warehouse", conninfo, "--out", folder.path, "--from", "2026-05-02", "--to", "2026-05-01", "--quiet",
    ])
    #expect(backwards.status == 64)
    #expect(backwards.standardError == "pricing: error: report period: --from 2026-05-02 is after --to 2026-05-01\n")

    let blocker = FileManager.default.temporaryDirectory.appendingPathComponent("blocker-\(UUID())")
    try Data("x".utf8).write(to: blocker)
    defer { try? FileManager.default.removeItem(at: blocker) }
    let unwritable = try PricingBinary.run([
      "report", "--warehouse", conninfo, "--out", blocker.path + "/report", "--quiet",
    ])
    #expect(unwritable.status == 73)
    #expect(unwritable.standardError == "pricing: error: report output \(blocker.path): Not a directory\n")
  }

  @Test("report.archive keeps dated copies; an archive that cannot be written still writes the report and exits 73")
  func archive() throws {
    let (conninfo, connection) = try TestDatabase.connect(label: "reportcli")
    try Migrator(schema: try WarehouseSchema(), logger: TestDatabase.quietLogger).migrate(connection)
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID())")
    defer { try? FileManager.default.removeItem(at: folder) }
    let environment = ["PRICING_REPORT_ARCHIVE": "true", "PRICING_REPORT_KEEP_DAYS": "10"]
    let arguments = ["report", "--warehouse", conninfo, "--out", folder.path, "--to", "2026-12-06", "--quiet"]
    let first = try PricingBinary.run(arguments, environment: environment)
    #expect(first.status == 0)
    let archived = try FileManager.default.contentsOfDirectory(
      atPath: folder.appendingPathComponent("archive").path
    ).sorted()
    #expect(archived == ["2026-12-06", "index.html"])
    let files = try FileManager.default.contentsOfDirectory(
      atPath: folder.appendingPathComponent("archive/2026-12-06").path)
    #expect(files.contains("summary.json") && files.contains("summary.csv") && files.contains("index.html"))
    let page = try String(contentsOf: folder.appendingPathComponent("index.html"), encoding: .utf8)
    #expect(page.contains("<a href=\"archive/index.html\">Earlier reports</a>"))
    let copy = try String(contentsOf: folder.appendingPathComponent("archive/2026-12-06/index.html"), encoding: .utf8)
    #expect(copy.contains("<a href=\"../index.html\">Earlier reports</a>"))

    try FileManager.default.removeItem(at: folder.appendingPathComponent("archive"))
    try Data("x".utf8).write(to: folder.appendingPathComponent("archive"))
    let failing = try PricingBinary.run(arguments, environment: environment)
    #expect(failing.status == 73)
    #expect(failing.standardOutput == folder.appendingPathComponent("index.html").path + "\n")
    #expect(
      failing.standardError == "pricing: error: report output \(folder.path)/archive: exists and is not a folder; the archive must be a folder (it was kept as it is)\n")
    #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("summary.json").path))

    let bad = try PricingBinary.run(arguments, environment: ["PRICING_REPORT_KEEP_DAYS": "0"])
    #expect(bad.status == 78)
    #expect(
      bad.standardError
        == "pricing: error: config PRICING_REPORT_KEEP_DAYS: report.keep_days must be between 1 and 36500\n")
  }
}
