import ArgumentParser
import CSV
import Foundation
import PricingModel

/// `pricing regress`: fits a GLM on any CSV file with the pipeline's Swift routine (docs/contracts.md section 3).
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

  /// Where a model error points in the file: `FILE: line L, column C: ` for an error in a data row (the
  /// row's file line, found again), else `FILE: `.
  private func where_(_ error: PricingModelError, path: String) -> String {
    guard let row = error.row, let line = RegressionTable.line(ofDataRow: row, path: path) else { return "\(data): " }
    let column: String? =
      switch error.column {
      case "response": response
      case "offset": offset
      case "weights": weights
      default: error.column
      }
    return "\(data): line \(line)\(column.map { ", column \(RegressionTable.shown($0))" } ?? ""): "
  }

  /// Copies a stream (a pipe, /dev/stdin) into a temporary file; returns its path.
  static func spool(_ path: String) throws -> String {
    let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("pricing-regress-\(UUID()).csv").path
    guard let input = FileHandle(forReadingAtPath: path) else {
      throw CSVError(code: .io, message: "cannot open", file: path)
    }
    guard FileManager.default.createFile(atPath: temporary, contents: nil),
      let output = FileHandle(forWritingAtPath: temporary)
    else {
      throw CommandFailure(status: .cannotCreate, message: "cannot create a temporary file in \(FileManager.default.temporaryDirectory.path)")
    }
    defer { try? output.close() }
    while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty { try output.write(contentsOf: chunk) }
    return temporary
  }

  func run() throws {
    var exitStatus = ExitStatus.success
    try reportingFailures {
      let parseStart = Date()
      // A pipe or a device (/dev/stdin) cannot be read by offset: it is copied to a temporary file first.
      let spooled = try CSVReader.isRegularFile(atPath: data) ? nil : Self.spool(data)
      defer { if let spooled { try? FileManager.default.removeItem(atPath: spooled) } }
      let path = spooled ?? data
      let table: GLMData
      do {
        table = try RegressionTable.load(
          path: path,
          specification: .init(response: response, offset: offset, weights: weights, categorical: categorical),
          threads: threads)
      } catch var error as CSVError where spooled != nil {
        error.file = data
        throw error
      }
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
        throw CommandFailure(status: .dataError, message: where_(error, path: path) + error.message)
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
