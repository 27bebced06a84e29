import Foundation
import Postgres
import TestSupport
import Testing

@Suite("Transactions, advisory locks, LISTEN/NOTIFY")
struct TransactionTests {
  struct Boom: Error {}

  @Test("a transaction commits when the body returns and rolls back when it throws")
  func commitAndRollback() throws {
    let (_, connection) = try TestDatabase.connect()
    try connection.execute("CREATE TABLE t (v int)")
    try connection.transaction { try $0.query("INSERT INTO t VALUES (\(1))") }
    #expect(throws: Boom.self) {
      try connection.transaction { connection in
        try connection.query("INSERT INTO t VALUES (\(2))")
        throw Boom()
      }
    }
    #expect(try connection.query("SELECT array_agg(v)::text FROM t").scalar(String.self) == "{1}")
  }

  @Test("a failing statement inside a transaction rolls it back and leaves the connection usable")
  func failingStatement() throws {
    let (_, connection) = try TestDatabase.connect()
    try connection.execute("CREATE TABLE t (v int)")
    #expect(throws: PostgresError.self) {
      try connection.transaction { connection in
        try connection.query("INSERT INTO t VALUES (\(1))")
        try connection.query("SELECT 1 / 0")
      }
    }
    #expect(try connection.query("SELECT count(*) FROM t").scalar(Int.self) == 0)
  }

  @Test("read-only repeatable read refuses writes")
  func readOnly() throws {
    let (_, connection) = try TestDatabase.connect()
    try connection.execute("CREATE TABLE t (v int)")
    let error = #expect(throws: PostgresError.self) {
      try connection.transaction(isolation: .repeatableRead, readOnly: true) { connection in
        try connection.query("INSERT INTO t VALUES (\(1))")
      }
    }
    #expect(error?.sqlState == "25006")
  }

  @Test("an advisory lock held by one session is refused to another until released")
  func advisoryLock() throws {
    let (conninfo, first) = try TestDatabase.connect()
    let second = try Connection(conninfo: conninfo, logger: TestDatabase.quietLogger)
    let key = Connection.advisoryLockKey("pricing.test")
    #expect(try first.tryAdvisoryLock(key))
    #expect(try !second.tryAdvisoryLock(key))
    #expect(try first.advisoryUnlock(key))
    #expect(try second.tryAdvisoryLock(key))
    #expect(Connection.advisoryLockKey("pricing.test") == key)
    #expect(Connection.advisoryLockKey("pricing.other") != key)
  }

  @Test("a notification reaches a listener with its payload, at commit")
  func notify() throws {
    let (conninfo, listener) = try TestDatabase.connect()
    let sender = try Connection(conninfo: conninfo, logger: TestDatabase.quietLogger)
    try listener.listen(SQLIdentifier("pricing_published"))
    try sender.transaction { connection in
      try connection.notify(channel: "pricing_published", payload: "41")
      #expect(try listener.waitForNotification(timeout: 0.2) == nil)
    }
    let received = try listener.waitForNotification(timeout: 5)
    #expect(received?.channel == "pricing_published")
    #expect(received?.payload == "41")
    #expect(received?.senderPID == sender.backendPID)
  }
}
