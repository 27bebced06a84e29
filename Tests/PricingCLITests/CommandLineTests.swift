import Foundation
import Postgres
import PricingCLI
import TestSupport
import Testing
import Warehouse

@Suite("The pricing command line: exit codes and messages")
struct CommandLineTests {
  @Test("an unreachable database exits 69 with one line naming host and port, never the password")
  func unreachable() throws {
    let outcome = try PricingBinary.run([
      "migrate", "--warehouse", "postgresql://alice:topsecret@127.0.0.1:1/db?connect_timeout=2", "--quiet",
    ])
    #expect(outcome.status == 69)
    #expect(
      outcome.standardError
        == "pricing: error: cannot connect to PostgreSQL at 127.0.0.1:1: connection to server at \"127.0.0.1\", port 1 failed: Connection refused\n"
    )
    #expect(!outcome.standardError.contains("topsecret"))
  }

  @Test("an invalid schema name exits 78 naming the setting")
  func invalidSchema() throws {
    let outcome = try PricingBinary.run(["migrate", "--schema", "Pricing", "--quiet"])
    #expect(outcome.status == 78)
    #expect(
      outcome.standardError
        == "pricing: error: config: database.schema: invalid SQL identifier \"Pricing\": must start with a lower-case letter or underscore\n"
    )
  }

  @Test(
    "every command on a warehouse without the pipeline's schema exits 78 saying to migrate",
    arguments: [
      ["ingest", "--source", "{db}"], ["fit"], ["publish"], ["rollback"], ["status"], ["report", "--out", "{out}"],
      ["model", "show"], ["explain", "--category", "cleaning", "--city", "berlin", "--date", "2026-12-01"],
      ["run", "--source", "{db}"],
    ])
  func notMigrated(command: [String]) throws {
    let conninfo = try TestDatabase.create()
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("unmigrated-\(UUID().uuidString)").path
    let arguments = command.map { $0 == "{db}" ? conninfo : ($0 == "{out}" ? out : $0) } + ["--warehouse", conninfo]
    let outcome = try PricingBinary.run(arguments + ["--quiet"])
    #expect(outcome.status == 78)
    #expect(
      outcome.standardError == "pricing: error: schema pricing is not in the warehouse: run pricing migrate first\n")
    #expect(!FileManager.default.fileExists(atPath: out), "nothing was written")
  }

  @Test(
    "a command line that does not parse exits 64",
    arguments: [
      ["seed", "--bookings", "0"], ["migrate", "--log-format", "yaml"], ["no-such-command"],
      ["seed", "--today", "2026-13-01"],
    ])
  func usage(arguments: [String]) throws {
    let outcome = try PricingBinary.run(arguments)
    #expect(outcome.status == 64)
    #expect(outcome.standardError.contains("Error: "))
  }

  @Test("migrate, then seed with a truth file; a second seed without --replace exits 65")
  func migrateAndSeed() throws {
    let conninfo = try TestDatabase.create()
    let migrate = try PricingBinary.run(["migrate", "--warehouse", conninfo, "--quiet"])
    #expect(migrate.status == 0)
    let latest = WarehouseMigrations.all.last!.version
    #expect(
      migrate.standardOutput == "schema pricing at version \(latest) (applied: \(WarehouseMigrations.all.count))\n")
    let again = try PricingBinary.run(["migrate", "--warehouse", conninfo, "--quiet"])
    #expect(again.standardOutput == "schema pricing at version \(latest) (applied: 0)\n")

    let truth = FileManager.default.temporaryDirectory.appendingPathComponent("truth-\(UUID()).json")
    defer { try? FileManager.default.removeItem(at: truth) }
    let seed = try PricingBinary.run([
      "seed", "--source", conninfo, "--bookings", "20000", "--seed", "3", "--today", "2026-06-15", "--truth",
      truth.path,
      "--log-format", "json",
    ])
    #expect(seed.status == 0)
    #expect(seed.standardOutput.hasPrefix("seeded "))
    let logLines = seed.standardError.split(separator: "\n")
    #expect(!logLines.isEmpty)
    for line in logLines {
      let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      #expect(object?["label"] as? String == "seed")
    }
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: truth)) as? [String: Any]
    let elasticities = json?["elasticities"] as? [[String: Any]]
    #expect(elasticities?.count == 10)
    #expect(elasticities?.first?["estimate"] as? Double == -0.6)

    let refused = try PricingBinary.run(["seed", "--source", conninfo, "--bookings", "1000", "--quiet"])
    #expect(refused.status == 65)
    #expect(
      refused.standardError
        == "pricing: error: source table public.cities already holds rows; pass --replace to overwrite the source schema\n"
    )
  }

  @Test("every exit status is documented in docs/cli.md")
  func exitStatusesDocumented() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let text = try String(contentsOf: root.appendingPathComponent("docs/cli.md"), encoding: .utf8)
    for status in ExitStatus.allCases {
      #expect(text.contains("| \(status.rawValue) |"), "exit status \(status.rawValue) is in docs/cli.md")
    }
  }
}
