/// The one error type of the Pipeline module.
public struct PipelineError: Error, CustomStringConvertible, Sendable {
  public enum Code: String, Sendable {
    /// Another `pricing run` holds the lock.
    case locked
    /// A command-line flag's value is of the wrong kind or out of range (exit 64).
    case usage
    /// A setting is unknown, of the wrong kind or out of range; `setting` names it.
    case configuration
    /// A file the command was asked to write (the metrics file) cannot be written (exit 73).
    case output
    /// A step's result was refused: the model failed validation, or a guardrail refused the prices.
    case rejected
    /// `pricing simulate` was pointed at a source it did not seed, or at a warehouse it cannot start from
    /// (exit 65).
    case notSimulatable
  }

  public var code: Code
  public var message: String
  /// For `.configuration`: the setting (`retry.max_attempts`).
  public var setting: String?

  public init(code: Code, message: String, setting: String? = nil) {
    self.code = code
    self.message = message
    self.setting = setting
  }

  public var description: String { message }
}
