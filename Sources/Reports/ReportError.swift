import Postgres

/// The one error type of the Reports module: a code, a short message, and the table or path it is about.
public struct ReportError: WrapsPostgresError, CustomStringConvertible, Sendable {
  public enum Code: String, Sendable {
    /// `--from` after `--to`, or a period too long to be meant.
    case invalidPeriod
    /// A report table's query failed in the warehouse.
    case query
    /// The output folder or a file in it cannot be written (permissions, disk full...).
    case output
  }

  public var code: Code
  public var message: String
  /// The report table (`marketplace_weekly`) or the path the error is about.
  public var context: String?
  public var underlying: PostgresError?

  public init(code: Code, message: String, context: String? = nil, underlying: PostgresError? = nil) {
    self.code = code
    self.message = message
    self.context = context
    self.underlying = underlying
  }

  public var description: String {
    switch code {
    case .invalidPeriod: message
    case .query: "report table \(context ?? "?"): \(message)"
    case .output: "report output \(context ?? "?"): \(message)"
    }
  }
}
