import CLibPQ
import Foundation

extension Connection {
  // MARK: - COPY ... TO STDOUT

  /// Streams the output of a `COPY ... TO STDOUT` statement to `consume`, one server chunk at a time.
  ///
  /// Memory stays constant whatever the table size: each chunk libpq hands over (usually one row) is
  /// passed on and freed (`PQfreemem`) before the next is read. COPY takes no parameters, so binds are
  /// set as session settings through a bound `set_config` call and read back with a typed
  /// `current_setting(...)` (see `SQLQuery.renderForCopy`). If `consume` throws, the COPY is cancelled
  /// and the connection drained so that it stays usable; the error is rethrown.
  ///
  /// - Returns: the number of rows the server reported.
  @discardableResult
  public func copyOut(_ query: SQLQuery, _ consume: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
    var sql = query.sql
    if !query.binds.isEmpty {
      for (offset, bind) in query.binds.enumerated() where bind.text != nil {
        try self.query("SELECT set_config(\("pricing.copy_param_\(offset + 1)"), \(bind.text ?? ""), false)")
      }
      sql = query.renderForCopy()
    }
    try startCopy(sql, expecting: PGRES_COPY_OUT)
    var consumerError: Error?
    while true {
      var buffer: UnsafeMutablePointer<CChar>?
      let length = PQgetCopyData(handle, &buffer, 0)
      if length > 0, let buffer {
        defer { PQfreemem(buffer) }
        if consumerError == nil {
          do {
            try consume(UnsafeRawBufferPointer(start: buffer, count: Int(length)))
          } catch {
            consumerError = error
            cancelRunningStatement()
          }
        }
        continue
      }
      if length == -1 { break }  // done; the final status follows from PQgetResult
      throw drainAfterFailure(query: sql)  // -2: the connection failed
    }
    let rows = try finishCopy(query: sql, tolerateFailure: consumerError != nil)
    if let consumerError { throw consumerError }
    return rows
  }

  // MARK: - COPY ... FROM STDIN

  /// Runs a `COPY ... FROM STDIN` statement and lets `produce` write the data through a `CopyInWriter`.
  ///
  /// The writer buffers (64 KiB) and sends with `PQputCopyData`, so memory stays constant. If `produce`
  /// throws, the COPY is ended with an error message (the server rolls the COPY back) and the error is
  /// rethrown. Data errors surface only when the stream ends: they come back as `.copyFailed` with the
  /// offending line in `copyLine`.
  ///
  /// - Returns: the number of rows the server stored.
  @discardableResult
  public func copyIn(_ sql: String, _ produce: (CopyInWriter) throws -> Void) throws -> Int {
    try startCopy(sql, expecting: PGRES_COPY_IN)
    let writer = CopyInWriter(connection: self)
    do {
      try produce(writer)
      try writer.flush()
    } catch {
      let reason = "COPY aborted by the client"
      if PQputCopyEnd(handle, reason) == 1 {
        _ = try? finishCopy(query: sql, tolerateFailure: true)
      } else {
        _ = drainAfterFailure(query: sql)
      }
      if let failure = error as? PostgresError, failure.code == .connectionLost { throw failure }
      if PQstatus(handle) != CONNECTION_OK { throw self.error(from: nil, query: sql) }
      throw error
    }
    guard PQputCopyEnd(handle, nil) == 1 else { throw drainAfterFailure(query: sql) }
    return try finishCopy(query: sql, tolerateFailure: false)
  }

  /// Sends raw bytes of an open COPY FROM STDIN.
  func putCopyData(_ bytes: UnsafeRawBufferPointer, query: String) throws {
    guard bytes.count > 0 else { return }
    let status = bytes.withMemoryRebound(to: CChar.self) { PQputCopyData(handle, $0.baseAddress, Int32($0.count)) }
    if status != 1 { throw drainAfterFailure(query: query) }
  }

  // MARK: - Shared steps

  private func startCopy(_ sql: String, expecting expected: ExecStatusType) throws {
    guard let result = PQexec(handle, sql) else { throw error(from: nil, query: sql) }
    defer { PQclear(result) }
    let status = PQresultStatus(result)
    guard status == expected else {
      if status == PGRES_COPY_IN { _ = PQputCopyEnd(handle, "unexpected COPY direction") }
      if status == PGRES_COPY_OUT || status == PGRES_COPY_IN { _ = drainAfterFailure(query: sql) }
      if status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK {
        throw PostgresError(code: .misuse, message: "statement is not a COPY in the expected direction", query: sql)
      }
      throw error(from: result, query: sql)
    }
  }

  /// Reads the results after a COPY ended; returns the row count, or throws the server's error.
  private func finishCopy(query: String, tolerateFailure: Bool) throws -> Int {
    var rows = 0
    var failure: PostgresError?
    while let result = PQgetResult(handle) {
      defer { PQclear(result) }
      let status = PQresultStatus(result)
      if status == PGRES_COMMAND_OK {
        rows = Int(String(cString: PQcmdTuples(result))) ?? 0
      } else if status == PGRES_COPY_IN {
        _ = PQputCopyEnd(handle, "COPY abandoned")  // should not happen; ends the stream so the loop can finish
      } else if status == PGRES_COPY_OUT {
        var buffer: UnsafeMutablePointer<CChar>?
        while PQgetCopyData(handle, &buffer, 0) > 0 { PQfreemem(buffer) }
      } else if failure == nil {
        failure = error(from: result, query: query)
      }
    }
    if PQstatus(handle) != CONNECTION_OK, failure == nil || failure?.code != .connectionLost {
      failure = error(from: nil, query: query)
    }
    if let failure, !(tolerateFailure && failure.code != .connectionLost) { throw failure }
    return rows
  }

  /// After a failed COPY call: consume what is left and build the error to report.
  private func drainAfterFailure(query: String) -> PostgresError {
    var failure: PostgresError?
    while let result = PQgetResult(handle) {
      let status = PQresultStatus(result)
      if status == PGRES_FATAL_ERROR, failure == nil { failure = error(from: result, query: query) }
      PQclear(result)
      if status == PGRES_COPY_OUT || status == PGRES_COPY_IN || PQstatus(handle) != CONNECTION_OK { break }
    }
    if PQstatus(handle) != CONNECTION_OK {
      let lost = error(from: nil, query: query)
      return PostgresError(
        code: .connectionLost, message: lost.message, sqlState: failure?.sqlState, detail: failure?.detail,
        query: query)
    }
    return failure ?? error(from: nil, query: query)
  }

  /// Asks the server to cancel the statement in progress (a separate cancel request).
  func cancelRunningStatement() {
    guard let cancel = PQgetCancel(handle) else { return }
    defer { PQfreeCancel(cancel) }
    var message = [CChar](repeating: 0, count: 256)
    _ = PQcancel(cancel, &message, Int32(message.count))
  }
}
