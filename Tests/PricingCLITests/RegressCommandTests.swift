import Foundation
import TestSupport
import PricingModel
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

  @Test("a symbolic link is read whole: the size is the target's, not the link's")
  func symbolicLink() throws {
    let csv = Self.fixtures.appendingPathComponent("poisson_offset.csv").path
    let link = FileManager.default.temporaryDirectory.appendingPathComponent("regress-link-\(UUID()).csv").path
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: csv)
    defer { try? FileManager.default.removeItem(atPath: link) }
    let direct = try PricingBinary.run(
      ["regress", "--data", csv, "--response", "y", "--offset", "log_exposure", "--categorical", "city"])
    let linked = try PricingBinary.run(
      ["regress", "--data", link, "--response", "y", "--offset", "log_exposure", "--categorical", "city"])
    #expect(linked.status == 0)
    let n = { (text: String) in
      (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])?["n"] as? Int
    }
    #expect(n(linked.standardOutput) == 400)
    #expect(n(linked.standardOutput) == n(direct.standardOutput))
  }

  @Test("bad inputs name the file line, the column and the limit", arguments: [
    ("y,x\n1,2\n-3,4\n", ["--response", "y"], "line 3, column \"y\": response at row 2 is negative, which the poisson family cannot take"),
    ("y,w,x\n1,1,2\n\n2,-1,3\n", ["--response", "y", "--weights", "w"], "line 4, column \"w\": weight at row 2 must be finite and non-negative"),
    ("y,o,x\n1,1000,2\n2,0,3\n", ["--response", "y", "--offset", "o"], "line 2, column \"o\": offset at row 1 is 1000.0: beyond +-700 the mean exp(offset) is out of range (an offset is a log, e.g. of exposure)"),
  ])
  func badValues(contents: String, arguments: [String], message: String) throws {
    let path = try Self.temporaryFile(contents)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let outcome = try PricingBinary.run(["regress", "--data", path] + arguments)
    #expect(outcome.status == 65)
    #expect(outcome.standardError == "pricing: error: \(path): \(message)\n")
  }

  @Test("one column in two roles, a categorical with too many levels, a huge header name: exit 65, short messages")
  func refusedSpecifications() throws {
    let path = try Self.temporaryFile("y,x\n1,2\n2,3\n")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let twice = try PricingBinary.run(["regress", "--data", path, "--response", "y", "--offset", "y"])
    #expect(twice.status == 65)
    #expect(twice.standardError == "pricing: error: \(path): column y: column \"y\" cannot be both the response and the offset\n")

    let levels = RegressionTable.maximumCoefficients + 1
    let many = try Self.temporaryFile("y,g\n" + (0..<levels).map { "1,level\($0)" }.joined(separator: "\n") + "\n")
    defer { try? FileManager.default.removeItem(atPath: many) }
    let tooMany = try PricingBinary.run(["regress", "--data", many, "--response", "y", "--categorical", "g"])
    #expect(tooMany.status == 65)
    #expect(
      tooMany.standardError
        == "pricing: error: \(many): column g: categorical column \"g\" has \(levels) levels: the fit takes at most \(RegressionTable.maximumCoefficients) coefficients in all (a dense normal-equations matrix of their square)\n"
    )

    let name = String(repeating: "n", count: 100_000)
    let wide = try Self.temporaryFile("y,\(name),\(name)\n1,2,3\n")
    defer { try? FileManager.default.removeItem(atPath: wide) }
    let huge = try PricingBinary.run(["regress", "--data", wide, "--response", "y"])
    #expect(huge.status == 65)
    #expect(huge.standardError.count < 400)
    #expect(huge.standardError.contains("(100000 bytes) twice"))
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
