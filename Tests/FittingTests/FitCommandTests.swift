import Foundation
import Fitting
import Postgres
import PricingModel
import TestSupport
import Testing
import Warehouse

@Suite("pricing fit, model show and explain on the command line", .serialized)
struct FitCommandTests {
  @Test("model show prints the contract's JSON for the latest run")
  func modelShow() throws {
    let fixture = SeededWarehouse.shared
    let outcome = try PricingBinary.run(["model", "show", "--warehouse", fixture.conninfo, "--format", "json"])
    #expect(outcome.status == 0)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
    for key in ["run_id", "as_of", "family", "converged", "iterations", "metrics", "coefficients", "elasticities"] {
      #expect(object[key] != nil, "\(key)")
    }
    #expect(object["as_of"] as? String == "2026-06-15")
    let metrics = try #require(object["metrics"] as? [String: Any])
    for key in ["deviance_explained", "wape", "baseline_deviance_explained", "baseline_wape"] {
      #expect(metrics[key] is Double, "metrics.\(key)")
    }
    let elasticity = try #require((object["elasticities"] as? [[String: Any]])?.first)
    #expect(elasticity["category"] is String && elasticity["estimate"] is Double && elasticity["std_error"] is Double)
  }

  @Test("explain prints the factors of each band in words")
  func explain() throws {
    let fixture = SeededWarehouse.shared
    let outcome = try PricingBinary.run([
      "explain", "--warehouse", fixture.conninfo, "--category", "cleaning", "--city", "Berlin", "--date", "2026-06-20",
    ])
    #expect(outcome.status == 0)
    #expect(outcome.standardOutput.hasPrefix("cleaning in Berlin on 2026-06-20, band experienced: multiplier "))
    #expect(outcome.standardOutput.contains("= GMV optimum at the elasticity's estimate "))
    #expect(outcome.standardOutput.contains("\n  binding: "))
    #expect(outcome.standardOutput.contains("\n  expected: "))
    #expect(outcome.standardOutput.contains("band junior"))
    let missing = try PricingBinary.run([
      "explain", "--warehouse", fixture.conninfo, "--category", "cleaning", "--city", "Atlantis", "--date", "2026-06-20",
    ])
    #expect(missing.status == 65)
    #expect(missing.standardError == "pricing: error: no multiplier for cleaning in Atlantis on 2026-06-20\n")
  }

  @Test("an as-of date before any data is a clear error (exit 65)")
  func asOfBeforeData() throws {
    let fixture = SeededWarehouse.shared
    let outcome = try PricingBinary.run(["fit", "--warehouse", fixture.conninfo, "--as-of", "2020-01-01", "--quiet"])
    #expect(outcome.status == 65)
    #expect(outcome.standardError == "pricing: error: no ingested bookings before the as-of date 2020-01-01: nothing to fit\n")
  }

  @Test("a policy file with an unknown key, a negative bound or a bound above the maximum exits 78 naming it", arguments: [
    ("[policy]\nmax_multipler = 1.4\n", "policy.toml:2: unknown setting policy.max_multipler"),
    ("[policy]\nmin_multiplier = -0.5\n", "policy.toml: policy.min_multiplier must be in (0, 1]"),
    ("[policy]\nmax_multiplier = 12\n", "policy.toml: policy.max_multiplier must be in [1, 9.9999]"),
    ("[pricing]\n", "policy.toml:1: unknown section [pricing]"),
    ("[model]\ninteraction_l2 = lots\n", "policy.toml:2: model.interaction_l2 must be a number"),
    ("[policy]\nobjective = \"revenue\"\n", "policy.toml:2: policy.objective must be one of \"gmv\", \"utilisation\""),
    ("[policy]\nmin_volume_ratio = 1.5\n", "policy.toml: policy.min_volume_ratio must be in [0, 1]"),
    ("[policy]\nmax_utilisation = 0\n", "policy.toml: policy.max_utilisation must be in (0, 2] or \"off\""),
    ("[policy]\nmax_utilisation = \"never\"\n", "policy.toml:2: policy.max_utilisation must be a number or \"off\""),
    ("[policy]\nelasticity_margin = -1\n", "policy.toml: policy.elasticity_margin must be in [0, 10]"),
  ])
  func badPolicy(contents: String, message: String) throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("policy-\(UUID())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("policy.toml").path
    try contents.write(toFile: path, atomically: true, encoding: .utf8)
    let outcome = try PricingBinary.run(["fit", "--config", path, "--warehouse", "host=127.0.0.1 port=1", "--quiet"])
    #expect(outcome.status == 78)
    #expect(outcome.standardError == "pricing: error: config \(folder.path)/\(message)\n")
  }

  @Test("the shipped policy file holds the defaults")
  func shippedPolicy() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let (policy, model) = try PolicyFile.load(path: root.appendingPathComponent("data/policy.toml").path)
    #expect(policy == PolicyConfig())
    #expect(model == DemandModelConfig())
  }
}
