/// The one error type of the Postgres wrapper.
///
/// It carries what the server said (SQLSTATE, message, detail, hint), where COPY failed (the line of the
/// COPY data), and the SQL text of the statement (never its bound values). `description` is the short,
/// user-facing line; nothing in it comes from a connection string, so it never shows a password.
public struct PostgresError: Error, CustomStringConvertible, Sendable, Equatable {
  /// What kind of failure this is; callers map these to exit codes.
  public enum Code: String, Sendable, Equatable {
    /// Could not open a connection (server down, wrong port, bad conninfo, authentication failed).
    case connectionFailed
    /// The connection broke while in use (server restart, `pg_terminate_backend`, network).
    case connectionLost
    /// The server rejected a statement; `sqlState` says why.
    case serverError
    /// A COPY stream failed; `copyLine` names the line of the COPY data when the server gave it.
    case copyFailed
    /// A value in a result could not be decoded into the requested Swift type.
    case decodingFailed
    /// The wrapper was used against its contract (for example binds on a statement that cannot take them).
    case misuse
  }

  public var code: Code
  /// The server's five-character SQLSTATE, when the server sent one.
  public var sqlState: String?
  /// The primary message (the server's, or the wrapper's own).
  public var message: String
  public var detail: String?
  public var hint: String?
  /// The 1-based line of COPY FROM STDIN data that the server rejected.
  public var copyLine: Int?
  /// The SQL text of the failing statement (placeholders only, never values).
  public var query: String?

  public init(
    code: Code, message: String, sqlState: String? = nil, detail: String? = nil, hint: String? = nil,
    copyLine: Int? = nil, query: String? = nil
  ) {
    self.code = code
    self.message = message
    self.sqlState = sqlState
    self.detail = detail
    self.hint = hint
    self.copyLine = copyLine
    self.query = query
  }

  /// SQLSTATEs that a retry may cure: serialization failure, deadlock, lock not available (a
  /// `lock_timeout` behind another session's lock), admin shutdown, crash shutdown, cannot connect now
  /// (server starting up).
  public static let transientSQLStates: Set<String> = ["40001", "40P01", "55P03", "57P01", "57P02", "57P03"]

  /// Whether a retry with backoff may succeed: lost connections, connections that could not be opened
  /// (unless the server refused them for good), and the transient SQLSTATEs.
  public var isTransient: Bool {
    switch code {
    // A connection the server refused for good (authentication, an unknown role or database) carries
    // the refusal's SQLSTATE: retrying it only trips lockout policies.
    case .connectionFailed: return sqlState == nil
    case .connectionLost: return true
    default: return sqlState.map(Self.transientSQLStates.contains) ?? false
    }
  }

  /// One line for people and logs: the message, the SQLSTATE and, for COPY, the line.
  public var description: String {
    var text = message
    if let sqlState { text += " (SQLSTATE \(sqlState))" }
    if let copyLine { text += " at COPY line \(copyLine)" }
    if let detail, !detail.isEmpty { text += "; detail: \(detail)" }
    return text
  }
}

/// A module's error that may carry the database error behind it, so that callers (the retry policy, the
/// exit-code mapping) can look through any module's error to the database's.
public protocol WrapsPostgresError: Error {
  var underlying: PostgresError? { get }
}

extension PostgresError {
  /// The database error an error is or carries, if any.
  public static func behind(_ error: Error) -> PostgresError? {
    (error as? PostgresError) ?? (error as? WrapsPostgresError)?.underlying
  }
}
