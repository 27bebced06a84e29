extension Connection {
  /// Isolation levels for `transaction(isolation:readOnly:_:)`.
  public enum IsolationLevel: String, Sendable {
    case readCommitted = "READ COMMITTED"
    case repeatableRead = "REPEATABLE READ"
    case serializable = "SERIALIZABLE"
  }

  /// Runs `body` in a transaction: committed when `body` returns, rolled back when it throws.
  ///
  /// A rollback that itself fails (the connection is gone) is ignored: the server discards an
  /// uncommitted transaction with the session anyway. The original error is rethrown.
  public func transaction<T>(
    isolation: IsolationLevel = .readCommitted, readOnly: Bool = false, _ body: (Connection) throws -> T
  ) throws -> T {
    try execute("BEGIN ISOLATION LEVEL \(isolation.rawValue)\(readOnly ? " READ ONLY" : "")")
    let value: T
    do {
      value = try body(self)
    } catch {
      try? execute("ROLLBACK")
      throw error
    }
    do {
      try execute("COMMIT")
    } catch {
      try? execute("ROLLBACK")
      throw error
    }
    return value
  }
}
