/// The steps of `pricing run`, in order. A failed or rejected step skips the steps after it except the
/// report, which is always attempted so that it shows what failed.
public enum PipelineStep: String, Sendable, CaseIterable {
  case ingest, fit, publish, report

  /// Runs even after an earlier step failed.
  public var runsAfterFailure: Bool { self == .report }
}

/// How one step ended, as recorded in `run_steps`.
public struct PipelineStepResult: Sendable, Codable {
  public var step: String
  /// succeeded, failed, rejected or skipped.
  public var status: String
  public var rows: Int64?
  public var exitCode: Int32
  public var error: String?
  public var attempts: Int
  public var seconds: Double
  /// The id of the run the step's command recorded (ingest, fit), the version published, the report path.
  public var details: [String: String]
}
