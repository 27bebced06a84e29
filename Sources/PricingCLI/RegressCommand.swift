import ArgumentParser
import CSV
import Foundation
import PricingModel

/// `pricing regress`: fits a GLM on any CSV file with the pipeline's Swift routine (CONTRACTS.md section 3).
struct RegressCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "regress",
    abstract: "Fit a GLM (Poisson, negative binomial, gaussian) on a CSV file; JSON on stdout.",
    discussion: """
      Columns named by --categorical are dummy-coded against their first level in byte-wise order and \
      named COL[LEVEL]; every other column except the response, offset and weights is a numeric predictor. \
      Exits 65 for malformed input and 80 when the fit does not converge (the JSON is printed all the same).
      """)

  @Option(help: "The CSV file (header row required).")
  var data: String

  @Option(help: "The response column.")
  var response: String

  @Option(help: "A column added to the linear predictor as given (for example log exposure).")
  var offset: String?

  @Option(help: "A column of prior weights.")
  var weights: String?

  @Option(help: "A categorical column (repeatable).")
  var categorical: [String] = []

  @Option(help: "poisson, negative-binomial or gaussian.")
  var family: String = "poisson"

  @Option(help: "Ridge penalty lambda: minimises -loglik + (lambda/2) sum of beta_j^2 over j != intercept.")
  var l2: Double = 0

  @Option(name: .customLong("max-iterations"), help: "IRLS iteration limit.")
  var maxIterations: Int = 100

  @Option(help: "Convergence tolerance on the relative change of the deviance.")
  var tolerance: Double = 1e-10

  @Option(help: "Threads for reading the CSV and for the normal equations (results do not depend on it).")
  var threads: Int = 2

  func validate() throws {
    guard ["poisson", "negative-binomial", "gaussian"].contains(family) else {
      throw ValidationError("--family must be poisson, negative-binomial or gaussian")
    }
    guard l2 >= 0, l2.isFinite else { throw ValidationError("--l2 must be a non-negative number") }
    guard maxIterations >= 1 else { throw ValidationError("--max-iterations must be at least 1") }
    guard tolerance > 0 else { throw ValidationError("--tolerance must be positive") }
    guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
  }

  func run() throws {
    var exitStatus = ExitStatus.success
    try reportingFailures {
      let parseStart = Date()
      let table = try RegressionTable.load(
        path: data,
        specification: .init(response: response, offset: offset, weights: weights, categorical: categorical),
        threads: threads)
      let parseSeconds = Date().timeIntervalSince(parseStart)
      let glmFamily: GLMFamily =
        switch family {
        case "negative-binomial": .negativeBinomial(theta: 1)
        case "gaussian": .gaussian
        default: .poisson
        }
      let options = GLMOptions(
        family: glmFamily, estimateTheta: true, l2: l2, maxIterations: maxIterations, tolerance: tolerance,
        threads: threads)
      let fitStart = Date()
      let result: GLMResult
      do {
        result = try GLM.fit(table, options: options)
      } catch let error as PricingModelError {
        throw CommandFailure(status: .dataError, message: "\(data): \(error.message)")
      }
      let fitSeconds = Date().timeIntervalSince(fitStart)
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys]
      let json = try encoder.encode(result.report(parseSeconds: parseSeconds, fitSeconds: fitSeconds))
      FileHandle.standardOutput.write(json + Data("\n".utf8))
      if !result.converged {
        FileHandle.standardError.write(
          Data("pricing: error: \(result.warnings.last ?? "the fit did not converge")\n".utf8))
        exitStatus = .notConverged
      }
    }
    if exitStatus != .success { throw exitStatus.exitCode }
  }
}
