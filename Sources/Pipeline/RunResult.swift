import Foundation
import Warehouse

/// `pricing run --format json`: one object describing the run, written also when the run could not start
/// (then `run_id` is null and `error` says why). Every key is present, null when there is nothing.
public struct RunResult: Encodable, Sendable {
  public var run_id: Int64?
  /// succeeded, failed or rejected.
  public var status: String
  public var exit_code: Int32
  public var started_at: String
  public var finished_at: String
  public var seconds: Double
  public var steps: [PipelineStepResult]
  public var report_path: String?
  public var error: String?
  public var version: String
  /// When the run ended (not encoded: `finished_at` is its text).
  public let finished: Date

  enum CodingKeys: String, CodingKey {
    case run_id, status, exit_code, started_at, finished_at, seconds, steps, report_path, error, version
  }

  public init(
    runID: Int64?, exitCode: Int32, started: Date, finished: Date, steps: [PipelineStepResult], reportPath: String?,
    error: String?
  ) {
    run_id = runID
    exit_code = exitCode
    let failed = steps.first { $0.status == "failed" || $0.status == "rejected" }
    status = exitCode == 0 ? "succeeded" : (failed?.status ?? "failed")
    let format = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    started_at = started.formatted(format)
    finished_at = finished.formatted(format)
    seconds = finished.timeIntervalSince(started)
    self.finished = finished
    self.steps = steps
    report_path = reportPath
    self.error = error ?? failed.map { "\($0.step): \($0.error ?? "")" }
    version = ProgramVersion.current
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(run_id, forKey: .run_id)
    try container.encode(status, forKey: .status)
    try container.encode(exit_code, forKey: .exit_code)
    try container.encode(started_at, forKey: .started_at)
    try container.encode(finished_at, forKey: .finished_at)
    try container.encode(seconds, forKey: .seconds)
    try container.encode(steps, forKey: .steps)
    try container.encode(report_path, forKey: .report_path)
    try container.encode(error, forKey: .error)
    try container.encode(version, forKey: .version)
  }

  /// Sorted keys, one line.
  public var json: Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return (try? encoder.encode(self)) ?? Data("{}".utf8)
  }
}
