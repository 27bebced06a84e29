import CSV
import Foundation
import Postgres
import TestSupport
import Testing

@Suite("COPY: streamed in and out, errors, lost connections")
struct CopyTests {
  /// Awkward values: each must come back exactly, NULL apart from the empty string.
  static let awkward: [String?] = [
    "plain", "", nil, "comma, inside", "quote \" inside", "\"fully quoted\"", "new\nline", "crlf\r\nline",
    "tab\there", "back\\slash", "\\N", "Zürich – 東京 😀", " leading and trailing ", "<script>alert(1)</script>",
    "=HYPERLINK(\"x\")",
  ]

  @Test("text values round-trip: COPY FROM STDIN (text) then COPY TO STDOUT (CSV) read by the CSV module")
  func roundTripText() throws {
    let (_, connection) = try TestDatabase.connect()
    try connection.execute("CREATE TABLE t (id int, v text, n numeric, ts timestamptz)")
    let stored = try connection.copyIn("COPY t (id, v, n, ts) FROM STDIN") { writer in
      var encoder = CopyTextEncoder()
      for (index, value) in Self.awkward.enumerated() {
        encoder.integer(Int64(index))
        encoder.field(value)
        encoder.raw("123456789012345678901234567890.123456789")
        encoder.raw(index % 2 == 0 ? "2024-03-31 00:59:59.999999+00" : "2024-10-27 01:00:00+00")
        encoder.endRow()
      }
      try writer.write(encoder.bytes)
    }
    #expect(stored == Self.awkward.count)

    var values: [Int: String?] = [:]
    var numerics: Set<String> = []
    var instants: Set<String> = []
    let reader = try CSVReader(options: .init(nullForUnquotedEmpty: true, expectedFieldCount: 4))
    let rows = try connection.copyOut("COPY (SELECT id, v, n, ts FROM t ORDER BY id) TO STDOUT WITH (FORMAT csv)") {
      chunk in
      try reader.feed(chunk) { record in
        values[Int(record.string(0)!)!] = record.string(1)
        numerics.insert(record.string(2)!)
        instants.insert(record.string(3)!)
      }
    }
    try reader.finish { _ in Issue.record("no record may be left at the end") }
    #expect(rows == Self.awkward.count)
    for (index, value) in Self.awkward.enumerated() { #expect(values[index] == .some(value)) }
    #expect(numerics == ["123456789012345678901234567890.123456789"])
    #expect(instants == ["2024-03-31 00:59:59.999999+00", "2024-10-27 01:00:00+00"])
  }

  @Test("CSV written by CSVWriter loads through COPY FROM STDIN (CSV) with NULL and empty apart")
  func roundTripCSVIn() throws {
    let (_, connection) = try TestDatabase.connect()
    try connection.execute("CREATE TABLE t (id int, v text)")
    var writer = CSVWriter(lineEnding: "\n")
    for (index, value) in Self.awkward.enumerated() {
      writer.number(String(index))
      writer.field(value)
      writer.endRecord()
    }
    try connection.copyIn("COPY t FROM STDIN WITH (FORMAT csv)") { try $0.write(writer.output) }
    let result = try connection.query("SELECT id, v FROM t ORDER BY id")
    #expect(try result.rows.map { try $0.decode(String?.self, at: 1) } == Self.awkward)
  }

  @Test("COPY out takes bound values through session settings, never in the SQL text")
  func copyOutWithBinds() throws {
    let (_, connection) = try TestDatabase.connect()
    let since = LocalDate(year: 2024, month: 1, day: 10)!
    let label = "it's"
    var lines: [String] = []
    let reader = try CSVReader()
    try connection.copyOut(
      """
      COPY (SELECT d::date, \(label) FROM generate_series('2024-01-01'::date, '2024-01-12', '1 day') AS d
            WHERE d >= \(since) AND \(Optional<Int64>.none) IS NULL) TO STDOUT WITH (FORMAT csv)
      """
    ) { chunk in try reader.feed(chunk) { lines.append("\($0.string(0)!) \($0.string(1)!)") } }
    try reader.finish { lines.append("\($0.string(0)!)") }
    #expect(lines == ["2024-01-10 it's", "2024-01-11 it's", "2024-01-12 it's"])
  }

  @Test("a COPY IN data error names the line and leaves the table empty")
  func copyInDataError() throws {
    let (_, connection) = try TestDatabase.connect()
    try connection.execute("CREATE TABLE t (id int, v text)")
    let error = #expect(throws: PostgresError.self) {
      try connection.copyIn("COPY t FROM STDIN") { try $0.write("1\ta\n2\tb\nthree\tc\n4\td\n") }
    }
    #expect(error?.code == .copyFailed)
    #expect(error?.copyLine == 3)
    #expect(error?.sqlState == "22P02")
    #expect(error?.description == "invalid input syntax for type integer: \"three\" (SQLSTATE 22P02) at COPY line 3")
    #expect(try connection.query("SELECT count(*) FROM t").scalar(Int.self) == 0)
  }

  @Test("a producer that throws aborts the COPY; nothing is stored and the connection stays usable")
  func producerThrows() throws {
    struct Stop: Error {}
    let (_, connection) = try TestDatabase.connect()
    try connection.execute("CREATE TABLE t (id int)")
    #expect(throws: Stop.self) {
      try connection.copyIn("COPY t FROM STDIN") { writer in
        try writer.write("1\n2\n")
        try writer.flush()
        throw Stop()
      }
    }
    #expect(try connection.query("SELECT count(*) FROM t").scalar(Int.self) == 0)
  }

  @Test("a consumer that throws cancels the COPY out; the connection stays usable")
  func consumerThrows() throws {
    struct Enough: Error {}
    let (_, connection) = try TestDatabase.connect()
    var chunks = 0
    #expect(throws: Enough.self) {
      try connection.copyOut("COPY (SELECT g FROM generate_series(1, 5000000) g) TO STDOUT") { _ in
        chunks += 1
        if chunks == 10 { throw Enough() }
      }
    }
    #expect(chunks == 10)
    #expect(try connection.query("SELECT 42").scalar(Int.self) == 42)
  }

  @Test("COPY out streams a large result in constant memory")
  func largeStream() throws {
    let (_, connection) = try TestDatabase.connect()
    var bytes = 0
    var largestChunk = 0
    let rows = try connection.copyOut("COPY (SELECT g, repeat('x', 100) FROM generate_series(1, 300000) g) TO STDOUT") {
      bytes += $0.count
      largestChunk = max(largestChunk, $0.count)
    }
    #expect(rows == 300_000)
    #expect(bytes > 30_000_000)
    #expect(largestChunk < 1 << 16)  // libpq hands over a row at a time: nothing accumulates
  }

  @Test("a session terminated during COPY out surfaces as a lost connection, not a hang")
  func terminatedDuringCopyOut() throws {
    let (conninfo, victim) = try TestDatabase.connect()
    let killer = try Connection(conninfo: conninfo, logger: TestDatabase.quietLogger)
    var chunks = 0
    let error = #expect(throws: PostgresError.self) {
      try victim.copyOut("COPY (SELECT g, repeat('y', 200) FROM generate_series(1, 20000000) g) TO STDOUT") { _ in
        chunks += 1
        if chunks == 1 { try killer.query("SELECT pg_terminate_backend(\(victim.backendPID))") }
      }
    }
    #expect(error?.code == .connectionLost)
    #expect(victim.isHealthy == false)
  }

  @Test("a session terminated during COPY in surfaces as a lost connection")
  func terminatedDuringCopyIn() throws {
    let (conninfo, victim) = try TestDatabase.connect()
    try victim.execute("CREATE TABLE t (id int, pad text)")
    let killer = try Connection(conninfo: conninfo, logger: TestDatabase.quietLogger)
    let error = #expect(throws: PostgresError.self) {
      try victim.copyIn("COPY t FROM STDIN") { writer in
        let row = Array("1\t\(String(repeating: "z", count: 500))\n".utf8)
        for index in 0..<200_000 {
          try writer.write(row)
          if index == 1000 {
            try writer.flush()
            try killer.query("SELECT pg_terminate_backend(\(victim.backendPID))")
            Thread.sleep(forTimeInterval: 0.2)
          }
        }
      }
    }
    #expect(error?.code == .connectionLost)
  }
}
