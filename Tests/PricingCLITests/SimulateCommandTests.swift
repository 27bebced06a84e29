import Foundation
import Postgres
import TestSupport
import Testing

@Suite("Exploration settings and pricing simulate at the command line")
struct SimulateCommandTests {
  @Test(
    "exploration settings out of range exit 78 naming the setting, from the environment or a file",
    arguments: [
      ("PRICING_EXPLORE_SHARE", "1.5", "pricing: error: config PRICING_EXPLORE_SHARE: explore.share must be in [0, 1]\n"),
      ("PRICING_EXPLORE_SHARE", "-0.1", "pricing: error: config PRICING_EXPLORE_SHARE: explore.share must be in [0, 1]\n"),
      (
        "PRICING_EXPLORE_MAX_PERTURBATION", "0.8",
        "pricing: error: config PRICING_EXPLORE_MAX_PERTURBATION: explore.max_perturbation must not exceed the bounds' width 0.7 (max_multiplier - min_multiplier)\n"
      ),
      ("PRICING_EXPLORE_MAX_COST", "-0.01", "pricing: error: config PRICING_EXPLORE_MAX_COST: explore.max_cost must be in [0, 1]\n"),
      ("PRICING_MODEL_ELASTICITY_MAX_SE", "0", "pricing: error: config PRICING_MODEL_ELASTICITY_MAX_SE: model.elasticity_max_se must be positive\n"),
    ])
  func badExplorationSettings(variable: String, value: String, message: String) throws {
    let outcome = try PricingBinary.run(["config", "show"], environment: [variable: value])
    #expect(outcome.status == 78)
    #expect(outcome.standardError == message)
  }

  @Test("a bad exploration setting in a file names the file and the setting")
  func badExplorationFile() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("explore-\(UUID().uuidString).toml").path
    try "[explore]\nseed = -1\n".write(toFile: path, atomically: true, encoding: .utf8)
    let outcome = try PricingBinary.run(["fit", "--config", path])
    #expect(outcome.status == 78)
    #expect(outcome.standardError == "pricing: error: config \(path):2: explore.seed must be a whole number >= 0\n")
  }

  @Test("pricing simulate refuses a source pricing seed did not write: exit 65, nothing written")
  func refusesUnseededSource() throws {
    let (source, connection) = try TestDatabase.connect(label: "simcli")
    try connection.execute("CREATE TABLE bookings (booking_id bigint PRIMARY KEY)")
    let warehouse = try TestDatabase.create(label: "simcliwh")
    let outcome = try PricingBinary.run(["simulate", "--source", source, "--warehouse", warehouse, "--days", "1", "--quiet"])
    #expect(outcome.status == 65)
    #expect(
      outcome.standardError
        == "pricing: error: source schema public was not written by pricing seed: pricing simulate only runs on a seeded market\n")
    #expect(try connection.query("SELECT to_regclass('simulation_days') IS NULL").scalar(Bool.self))
  }
}
