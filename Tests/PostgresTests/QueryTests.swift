import Foundation
import Postgres
import TestSupport
import Testing

@Suite("Queries: bound parameters and typed decoding")
struct QueryTests {
  @Test("interpolated values are bound as $n, never spliced into the SQL")
  func interpolationBinds() throws {
    let hostile = "'; DROP TABLE x; --"
    let query: SQLQuery = "SELECT \(hostile)::text AS a, \(Int64(7)) AS b"
    #expect(query.sql == "SELECT $1::text AS a, $2 AS b")
    let (_, connection) = try TestDatabase.connect()
    let row = try connection.query(query).single()
    #expect(try row.decode(String.self, column: "a") == hostile)
    #expect(try row.decode(Int64.self, column: "b") == 7)
  }

  @Test("appended queries renumber their placeholders")
  func append() {
    var query: SQLQuery = "SELECT \(1) + \(2)"
    query.append(" + \(3)")
    #expect(query.sql == "SELECT $1 + $2 + $3")
    #expect(query.binds.map(\.text) == ["1", "2", "3"])
  }

  @Test("every supported type round-trips through the server")
  func typesRoundTrip() throws {
    let (_, connection) = try TestDatabase.connect()
    let money = Decimal(string: "12345678901234567890.123456789012345678")!
    let instant = Date(timeIntervalSince1970: 1_711_846_800.123456)  // 2024-03-31 01:00:00.123456 UTC
    let date = LocalDate(year: 2024, month: 2, day: 29)!
    let text = "quote \" comma , newline \n tab \t backslash \\ unicode Zürich 東京 😀"
    let row = try connection.query(
      """
      SELECT \(Int64.max)::int8, \(Int32.min)::int4, \(money)::numeric, \(text)::text, \(true)::bool,
             \(date)::date, \(instant)::timestamptz, \(Optional<Int64>.none)::int8, \(2.5)::float8
      """
    ).single()
    #expect(try row.decode(Int64.self, at: 0) == Int64.max)
    #expect(try row.decode(Int32.self, at: 1) == Int32.min)
    #expect(try row.decode(Decimal.self, at: 2) == money)
    #expect(try row.decode(String.self, at: 3) == text)
    #expect(try row.decode(Bool.self, at: 4) == true)
    #expect(try row.decode(LocalDate.self, at: 5) == date)
    #expect(try row.decode(Date.self, at: 6) == instant)
    #expect(try row.decode(Int64?.self, at: 7) == nil)
    #expect(try row.decode(Double.self, at: 8) == 2.5)
  }

  @Test("numeric decodes exactly, and refuses what Decimal cannot hold")
  func numericExactness() throws {
    let (_, connection) = try TestDatabase.connect()
    let row = try connection.query("SELECT 0.1::numeric + 0.2::numeric, 1e40::numeric, 'NaN'::numeric").single()
    #expect(try row.decode(Decimal.self, at: 0) == Decimal(string: "0.3")!)
    #expect(throws: PostgresError.self) { try row.decode(Decimal.self, at: 1) }
    #expect(throws: PostgresError.self) { try row.decode(Decimal.self, at: 2) }
  }

  @Test("timestamps around DST changes decode to the right instant", arguments: [
    ("2024-03-31 02:30:00", "Europe/Berlin", "2024-03-31 01:30:00+00"),  // does not exist: shifted to 03:30 CEST
    ("2024-10-27 02:30:00", "Europe/Berlin", "2024-10-27 01:30:00+00"),  // ambiguous: PostgreSQL takes standard time
    ("2024-04-07 02:30:00", "Australia/Sydney", "2024-04-06 16:30:00+00"),  // ambiguous: standard time (AEST)
    ("2024-10-06 02:30:00", "Australia/Sydney", "2024-10-05 16:30:00+00"),  // does not exist in Sydney
  ])
  func daylightSaving(local: String, zone: String, expected: String) throws {
    let (_, connection) = try TestDatabase.connect()
    let value = try connection.query("SELECT (\(local)::timestamp AT TIME ZONE \(zone))").scalar(Date.self)
    #expect(PostgresTimestamp.format(value) == expected)
  }

  @Test("decoding NULL or a wrong shape names the column")
  func decodingErrors() throws {
    let (_, connection) = try TestDatabase.connect()
    let row = try connection.query("SELECT NULL::int8 AS missing, 'abc'::text AS word").single()
    let null = #expect(throws: PostgresError.self) { try row.decode(Int64.self, column: "missing") }
    #expect(null?.message == "column \"missing\" of row 1 is NULL")
    let shape = #expect(throws: PostgresError.self) { try row.decode(Int64.self, column: "word") }
    #expect(shape?.message == "column \"word\" of row 1 cannot be read as Int64")
    #expect(shape?.code == .decodingFailed)
  }

  @Test("a SQL error carries SQLSTATE, detail and the statement", arguments: [
    ("SELECT 1 / 0", "22012"),
    ("SELECT * FROM no_such_table", "42P01"),
    ("SELEC 1", "42601"),
  ])
  func serverErrors(sql: String, sqlState: String) throws {
    let (_, connection) = try TestDatabase.connect()
    let error = #expect(throws: PostgresError.self) { try connection.query(SQLQuery(unsafeSQL: sql)) }
    #expect(error?.code == .serverError)
    #expect(error?.sqlState == sqlState)
    #expect(error?.query == sql)
    #expect(try connection.query("SELECT 1").scalar(Int.self) == 1)  // still usable
  }

  @Test("a unique violation reports its detail")
  func uniqueViolation() throws {
    let (_, connection) = try TestDatabase.connect()
    try connection.execute("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)")
    let error = #expect(throws: PostgresError.self) { try connection.query("INSERT INTO t VALUES (\(1))") }
    #expect(error?.sqlState == "23505")
    #expect(error?.detail == "Key (id)=(1) already exists.")
    #expect(
      error?.description
        == "duplicate key value violates unique constraint \"t_pkey\" (SQLSTATE 23505); detail: Key (id)=(1) already exists."
    )
  }

  @Test("identifiers from configuration are validated", arguments: [
    ("pricing", nil),
    ("priCing", "may hold only lower-case letters, digits and underscores"),
    ("1st", "must start with a lower-case letter or underscore"),
    ("a\"; drop", "may hold only lower-case letters, digits and underscores"),
    ("", "is empty"),
  ] as [(String, String?)])
  func identifiers(name: String, problem: String?) {
    #expect(SQLIdentifier.problem(with: name) == problem)
    if problem == nil { #expect((try? SQLIdentifier(name))?.quoted == "\"\(name)\"") }
  }
}
