import Foundation
import TestSupport
import Testing

@Suite("pricing regress: CSV in, JSON out, exit codes")
struct RegressCommandTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("PricingModelTests/Fixtures")

  static func temporaryFile(_ contents: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("regress-\(UUID()).csv").path
    try contents.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test("prints the contract's JSON with the reference coefficients")
  func json() throws {
    let csv = Self.fixtures.appendingPathComponent("poisson_offset.csv").path
    let outcome = try PricingBinary.run([
      "regress", "--data", csv, "--response", "y", "--offset", "log_exposure", "--categorical", "city",
      "--family", "poisson", "--tolerance", "1e-14",
    ])
    #expect(outcome.status == 0)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
    #expect(object["family"] as? String == "poisson")
    #expect(object["link"] as? String == "log")
    #expect(object["n"] as? Int == 400)
    #expect(object["converged"] as? Bool == true)
    #expect(object["dispersion"] as? Double == 1)
    for key in ["iterations", "deviance", "null_deviance"] { #expect(object[key] != nil, "\(key) present") }
    let coefficients = try #require(object["coefficients"] as? [[String: Any]])
    let reference = try JSONSerialization.jsonObject(
      with: Data(contentsOf: Self.fixtures.appendingPathComponent("poisson_offset.json"))) as? [String: Any]
    let expected = try #require(reference?["coefficients"] as? [[String: Any]])
    #expect(coefficients.map { $0["name"] as? String } == expected.map { $0["name"] as? String })
    #expect(coefficients.map { $0["name"] as? String }.contains("city[münchen]"))
    for (mine, theirs) in zip(coefficients, expected) {
      let estimate = try #require(mine["estimate"] as? Double)
      let referenceEstimate = try #require(theirs["estimate"] as? Double)
      #expect(abs(estimate - referenceEstimate) <= 1e-6 * abs(referenceEstimate) + 1e-8)
      #expect(mine["std_error"] is Double)
    }
  }

  @Test("malformed input exits 65 naming the file, line and column", arguments: [
    ("y,x\n1,2\n2,NaN\n", "3: column x: value is not a finite number: \"NaN\""),
    ("y,x\n1,2\n2,\n", "3: column x: value is empty"),
    ("y,x\n1,2\n2,inf\n", "3: column x: value is not a finite number: \"inf\""),
    ("y,x\n1,abc\n", "2: column x: value is not a finite number: \"abc\""),
    ("y,z\n1,2\n", "1: column x: no column \"x\" in the header"),
    ("y,x\n1,2\n3\n", "3: expected 2 fields, found 1"),
    ("y,x\n1,\"2\n", "2: unterminated quoted field at the end of the input"),
    ("y,x\n", "2: the file has a header but no data rows"),
  ])
  func malformed(contents: String, message: String) throws {
    let path = try Self.temporaryFile(contents)
    defer { try? FileManager.default.removeItem(atPath: path) }
    var arguments = ["regress", "--data", path, "--response", "y"]
    if contents.hasPrefix("y,z") { arguments += ["--categorical", "x"] }  // the missing-column case
    let outcome = try PricingBinary.run(arguments)
    #expect(outcome.status == 65)
    #expect(outcome.standardError == "pricing: error: \(path):\(message)\n")
    #expect(outcome.standardOutput.isEmpty)
  }

  @Test("an empty file exits 65")
  func emptyFile() throws {
    let path = try Self.temporaryFile("")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let outcome = try PricingBinary.run(["regress", "--data", path, "--response", "y"])
    #expect(outcome.status == 65)
    #expect(outcome.standardError == "pricing: error: \(path): the file is empty: no header row\n")
  }

  @Test("a fit that does not converge prints its JSON and exits 80")
  func notConverged() throws {
    let csv = Self.fixtures.appendingPathComponent("poisson_offset.csv").path
    let outcome = try PricingBinary.run([
      "regress", "--data", csv, "--response", "y", "--offset", "log_exposure", "--categorical", "city",
      "--max-iterations", "1",
    ])
    #expect(outcome.status == 80)
    let object = try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any]
    #expect(object?["converged"] as? Bool == false)
    #expect(outcome.standardError == "pricing: error: IRLS did not converge within 1 iterations\n")
  }

  @Test("an unknown family is a usage error")
  func unknownFamily() throws {
    let outcome = try PricingBinary.run(["regress", "--data", "x.csv", "--response", "y", "--family", "binomial"])
    #expect(outcome.status == 64)
  }
}
