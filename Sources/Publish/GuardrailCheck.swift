/// One named guardrail's verdict on a candidate price table.
public struct GuardrailCheck: Sendable, Codable, Equatable {
  public var name: String
  public var passed: Bool
  /// Whether `--force` may override a failure (drift and validation may; coverage, bounds and NaN never).
  public var overridable: Bool
  public var detail: String

  public init(name: String, passed: Bool, overridable: Bool, detail: String) {
    self.name = name
    self.passed = passed
    self.overridable = overridable
    self.detail = detail
  }
}
