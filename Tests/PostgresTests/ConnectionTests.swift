import Foundation
@testable import Postgres
import TestSupport
import Testing

@Suite("Connection: connect, errors, redaction")
struct ConnectionTests {
  @Test("connects with a keyword/value string, a URI, and the PG* environment")
  func connectsThreeWays() throws {
    let conninfo = try TestDatabase.create()
    let keyword = try Connection(conninfo: conninfo, logger: TestDatabase.quietLogger)
    #expect(try keyword.query("SELECT current_database()").scalar(String.self) == conninfo.dropFirst(7).description)

    let environment = ProcessInfo.processInfo.environment
    let host = environment["PGHOST"] ?? "/tmp"
    let port = environment["PGPORT"] ?? "5432"
    let encodedHost = host.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? host
    let uri = "postgresql://\(environment["PGUSER"] ?? "postgres")@/\(conninfo.dropFirst(7))?host=\(encodedHost)&port=\(port)"
    let viaURI = try Connection(conninfo: uri, logger: TestDatabase.quietLogger)
    #expect(try viaURI.query("SELECT 1").scalar(Int.self) == 1)

    let viaEnvironment = try Connection(logger: TestDatabase.quietLogger)
    #expect(try viaEnvironment.query("SELECT 2").scalar(Int.self) == 2)
    #expect(viaEnvironment.serverVersion >= 130000)
  }

  @Test("a closed port fails with one line naming host and port")
  func closedPort() throws {
    let error = #expect(throws: PostgresError.self) {
      try Connection(conninfo: "host=127.0.0.1 port=1 connect_timeout=2", logger: TestDatabase.quietLogger)
    }
    #expect(error?.code == .connectionFailed)
    #expect(
      error?.message
        == "cannot connect to PostgreSQL at 127.0.0.1:1: connection to server at \"127.0.0.1\", port 1 failed: Connection refused"
    )
    #expect(error?.isTransient == true)
  }

  @Test("a bad conninfo fails clearly and never shows the password", arguments: [
    "host=127.0.0.1 port=1 password=hunter2secret connect_timeout=2",
    "postgresql://alice:hunter2secret@127.0.0.1:1/db?connect_timeout=2",
    "postgresql://alice:hunter2secret@127.0.0.1:notaport/db",
  ])
  func passwordNeverShown(conninfo: String) throws {
    let error = #expect(throws: PostgresError.self) {
      try Connection(conninfo: conninfo, logger: TestDatabase.quietLogger)
    }
    #expect(error?.code == .connectionFailed)
    #expect(error?.description.contains("hunter2secret") == false)
    #expect(error?.description.hasPrefix("cannot connect to PostgreSQL at ") == true)
  }

  @Test("a connection string libpq cannot parse is a misuse, found before connecting, without the password")
  func malformedConninfo() throws {
    let error = #expect(throws: PostgresError.self) {
      try Connection(conninfo: "host=127.0.0.1 password='hunter2secret' nonsense", logger: TestDatabase.quietLogger)
    }
    #expect(error?.code == .misuse)
    #expect(
      error?.description
        == "malformed connection string: neither keyword=value pairs nor a postgresql:// URI libpq can read")
    #expect(error?.isTransient == false)
    #expect(Connection.masked("host=db password='se cret' oops") == "(a malformed connection string, not shown)")
    #expect(Connection.masked("host=db password=secret") == "host=db password=***")
    #expect(
      Connection.masked("postgresql://h/db?password=s3cretE&sslmode=require")
        == "postgresql://h/db?password=***&sslmode=require")
    #expect(Connection.masked("host=db sslpassword=k3y") == "host=db sslpassword=***")
    // A bare name is a database name, as libpq takes it: connecting to it is tried (and fails here as unknown).
    let bare = #expect(throws: PostgresError.self) {
      try Connection(conninfo: "no_such_database_bare", logger: TestDatabase.quietLogger)
    }
    #expect(bare?.code == .connectionFailed)
    #expect(bare?.sqlState == "3D000")
  }

  @Test("refusals for good are not transient: an unknown role, an unknown database, a bad password")
  func permanentRefusals() throws {
    #expect(Connection.refusalState("FATAL:  password authentication failed for user \"x\"") == "28P01")
    #expect(Connection.refusalState("fe_sendauth: no password supplied") == "28P01")
    #expect(Connection.refusalState("FATAL:  no pg_hba.conf entry for host \"1.2.3.4\"") == "28000")
    #expect(Connection.refusalState("FATAL:  database \"nope\" does not exist") == "3D000")
    #expect(Connection.refusalState("Connection refused") == nil)
    let error = #expect(throws: PostgresError.self) {
      try Connection(conninfo: "dbname=no_such_database_x", logger: TestDatabase.quietLogger)
    }
    #expect(error?.sqlState == "3D000")
    #expect(error?.isTransient == false)
  }

  @Test("authentication failure for an unknown role is a connection failure")
  func unknownRole() throws {
    let error = #expect(throws: PostgresError.self) {
      try Connection(conninfo: "user=no_such_role_x dbname=postgres", logger: TestDatabase.quietLogger)
    }
    #expect(error?.code == .connectionFailed)
    #expect(error?.message.contains("role \"no_such_role_x\" does not exist") == true)
    #expect(error?.sqlState == "28000")
    #expect(error?.isTransient == false)
  }

  @Test("server notices go to the log")
  func notices() throws {
    let capture = LogCapture()
    let conninfo = try TestDatabase.create()
    let connection = try Connection(conninfo: conninfo, logger: capture.logger())
    try connection.execute("DO $$ BEGIN RAISE WARNING 'careful %', 42; RAISE NOTICE 'hello %', 1; END $$")
    #expect(connection.recentNotices == ["careful 42", "hello 1"])
    #expect(capture.messages.contains("warning: server warning: careful 42"))
    #expect(capture.messages.contains("debug: server notice: hello 1"))
  }

  @Test("a terminated session reports a lost connection on the next statement")
  func terminatedSession() throws {
    let (conninfo, victim) = try TestDatabase.connect()
    let killer = try Connection(conninfo: conninfo, logger: TestDatabase.quietLogger)
    try killer.query("SELECT pg_terminate_backend(\(victim.backendPID))")
    let error = #expect(throws: PostgresError.self) { try victim.query("SELECT 1") }
    #expect(error?.code == .connectionLost)
    #expect(error?.isTransient == true)
    #expect(victim.isHealthy == false)
  }
}
