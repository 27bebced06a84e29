import CSV
import Testing

@Suite("CSV writer (RFC 4180)")
struct CSVWriterTests {
  @Test("quotes only what needs it", arguments: [
    ("plain", "plain"), ("", "\"\""), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""),
    ("two\nlines", "\"two\nlines\""), ("cr\r", "\"cr\r\""), (" padded", "\" padded\""), ("Zürich", "Zürich"),
  ])
  func quoting(value: String, written: String) {
    #expect(CSVWriter.quoteIfNeeded(value) == written)
  }

  @Test("NULL is an empty field, the empty string is quoted; records end with CRLF")
  func nullAndEmpty() {
    var writer = CSVWriter()
    writer.record(["a", nil, ""])
    #expect(writer.output == "a,,\"\"\r\n")
  }

  @Test("formula-like text is neutralised; numbers are not", arguments: [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1", "'+1"), ("-cmd", "'-cmd"), ("@SUM(A1)", "'@SUM(A1)"),
    ("safe", "safe"),
  ])
  func formulas(value: String, expected: String) {
    var writer = CSVWriter(lineEnding: "\n", neutralizeFormulas: true)
    writer.field(value)
    writer.number("-3.50")
    writer.endRecord()
    #expect(writer.output == CSVWriter.quoteIfNeeded(expected) + ",-3.50\n")
  }

  @Test("random fields survive a write/read round trip", arguments: 0..<5)
  func roundTrip(seed: Int) throws {
    var generator = SplitMix(state: UInt64(seed) &+ 0x1234)
    let alphabet: [String] = ["a", "Z", ",", "\"", "\n", "\r\n", " ", "\t", "é", "東", "😀", "=", "-", "0", ";"]
    var records: [[String?]] = []
    for _ in 0..<200 {
      let fields = (0..<4).map { _ -> String? in
        if generator.next() % 10 == 0 { return nil }
        return (0..<Int(generator.next() % 8)).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
          .joined()
      }
      records.append(fields)
    }
    var writer = CSVWriter()
    for record in records { writer.record(record) }
    let read = try parse(writer.output, chunkSize: 1 + seed * 5, options: .init(nullForUnquotedEmpty: true))
    #expect(read == records)
  }
}

struct SplitMix {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
