/// The one error type of the Publish module.
public struct PublishError: Error, CustomStringConvertible, Sendable {
  public enum Code: String, Sendable {
    /// Another publish or rollback holds the lock.
    case locked
    /// The run or version asked for does not exist or has nothing to publish.
    case notFound
    /// The request makes no sense in the current state (a rollback to the version already current).
    case invalidRequest
    /// Guardrails refused the candidate; the current version keeps serving.
    case rejected
  }

  public var code: Code
  public var message: String
  /// For `.rejected`: every guardrail's verdict.
  public var checks: [GuardrailCheck]

  public init(code: Code, message: String, checks: [GuardrailCheck] = []) {
    self.code = code
    self.message = message
    self.checks = checks
  }

  public var description: String { message }
}
