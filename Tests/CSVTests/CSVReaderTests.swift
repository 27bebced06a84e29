import CSV
import Foundation
import Testing

/// Parses `text` fed in chunks of `chunkSize` bytes and returns the records' fields (nil for NULL).
func parse(_ text: String, chunkSize: Int = 1 << 20, options: CSVReader.Options = .init()) throws -> [[String?]] {
  try parse(Array(text.utf8), chunkSize: chunkSize, options: options).map(\.fields)
}

func parse(_ bytes: [UInt8], chunkSize: Int, options: CSVReader.Options) throws -> [(fields: [String?], line: Int)] {
  var records: [(fields: [String?], line: Int)] = []
  let reader = try CSVReader(options: options)
  let collect: (CSVRecord) throws -> Void = { record in
    records.append(((0..<record.count).map { record.string($0) }, record.line))
  }
  var start = 0
  while start < bytes.count {
    let end = min(bytes.count, start + chunkSize)
    try bytes[start..<end].withUnsafeBytes { try reader.feed($0, collect) }
    start = end
  }
  try reader.finish(collect)
  return records
}

@Suite("CSV reader over libcsv")
struct CSVReaderTests {
  @Test("quoted fields, embedded quotes and newlines, CRLF", arguments: [1, 2, 3, 7, 1 << 20])
  func quoting(chunkSize: Int) throws {
    let text = "a,\"b,c\",\"say \"\"hi\"\"\"\r\n1,\"two\nlines\",3\r\nx,,\"\"\r\n"
    let records = try parse(text, chunkSize: chunkSize)
    #expect(records == [["a", "b,c", "say \"hi\""], ["1", "two\nlines", "3"], ["x", "", ""]])
  }

  @Test("NULL versus empty string under COPY's CSV convention")
  func nullVersusEmpty() throws {
    let records = try parse("1,,\"\"\n", options: .init(nullForUnquotedEmpty: true))
    #expect(records == [["1", nil, ""]])
  }

  @Test("a UTF-8 byte-order mark is skipped, even when split across chunks", arguments: [1, 2, 4, 100])
  func byteOrderMark(chunkSize: Int) throws {
    let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("name,city\nÅsa,Zürich\n".utf8)
    let records = try parse(bytes, chunkSize: chunkSize, options: .init()).map(\.fields)
    #expect(records == [["name", "city"], ["Åsa", "Zürich"]])
  }

  @Test("spaces and tabs around unquoted fields are kept")
  func spacesKept() throws {
    #expect(try parse(" a ,\tb\t\n") == [[" a ", "\tb\t"]])
  }

  @Test("a record with the wrong number of fields names its line (embedded newlines counted)")
  func wrongFieldCount() throws {
    let text = "a,b\n\"x\ny\",2\n3,4\n5\n"
    let error = #expect(throws: CSVError.self) { try parse(text, options: .init(sourceName: "data.csv")) }
    #expect(error?.code == .wrongFieldCount)
    #expect(error?.line == 5)
    #expect(error?.description == "data.csv:5: expected 2 fields, found 1")
  }

  @Test("record lines count physical lines")
  func recordLines() throws {
    let records = try parse(Array("h1,h2\n\"a\nb\nc\",1\nd,2\n".utf8), chunkSize: 3, options: .init())
    #expect(records.map(\.line) == [1, 2, 5])
  }

  @Test("blank lines count as lines, a CRLF as one line end", arguments: [1, 2, 1 << 20])
  func blankLinesCount(chunkSize: Int) throws {
    let lf = try parse(Array("h\n\n\na\n\nb\n".utf8), chunkSize: chunkSize, options: .init())
    #expect(lf.map(\.line) == [1, 4, 6])
    let crlf = try parse(Array("h\r\n\r\na\r\n\r\n\r\nb\r\n".utf8), chunkSize: chunkSize, options: .init())
    #expect(crlf.map(\.line) == [1, 3, 6])
    #expect(crlf.map(\.fields) == [["h"], ["a"], ["b"]])
  }

  @Test("a stray quote is malformed, with its line", arguments: ["a,b\n1,x\"y\n", "a,b\n1,\"x\"y\n"])
  func strayQuote(text: String) throws {
    let error = #expect(throws: CSVError.self) { try parse(text, options: .init(sourceName: "f.csv")) }
    #expect(error?.code == .malformed)
    #expect(error?.line == 2)
  }

  @Test("an unterminated quote at the end is malformed")
  func unterminatedQuote() throws {
    let error = #expect(throws: CSVError.self) { try parse("a,\"open\n") }
    #expect(error?.code == .malformed)
    #expect(error?.description == "line 1: unterminated quoted field at the end of the input")
  }

  @Test("a last record without a line end is delivered")
  func noTrailingNewline() throws {
    #expect(try parse("a,b\n1,2") == [["a", "b"], ["1", "2"]])
  }

  @Test(
    "numbers parse as finite doubles; anything else is nil",
    arguments: [
      ("1", 1.0), ("-2.5", -2.5), ("0.1", 0.1), ("1e3", 1000.0), ("+7", 7.0),
      ("123456789012345678", 123456789012345678.0),
      ("3.14159265358979323846", 3.14159265358979323846),
      // Around the fast path's limits: 2^53 exactly, one past it, 19 and 20 digits, 22 and 23 decimals.
      ("9007199254740992", 9007199254740992.0), ("9007199254740993", 9007199254740993.0),
      ("1234567890123456789", 1234567890123456789.0), ("12345678901234567890", 12345678901234567890.0),
      ("0.0000000000000000000001", 1e-22), ("0.00000000000000000000001", 1e-23),
      (".5", 0.5), ("1.", 1.0), ("-0.125", -0.125), ("0.2827", 0.2827),
    ] as [(String, Double)])
  func numbers(text: String, value: Double) throws {
    var parsed: Double?
    let reader = try CSVReader()
    try Array((text + "\n").utf8).withUnsafeBytes { try reader.feed($0) { parsed = $0.finiteDouble(0) } }
    #expect(parsed == value)
  }

  @Test(
    "non-numbers and non-finite values are refused", arguments: ["", "abc", "1x", "NaN", "inf", "1e999", "0x10", " 1"])
  func nonNumbers(text: String) throws {
    var parsed: Double? = 0
    let reader = try CSVReader()
    try Array((text + ",z\n").utf8).withUnsafeBytes { try reader.feed($0) { parsed = $0.finiteDouble(0) } }
    #expect(parsed == nil)
  }

  @Test("reading a file names it in errors; a missing file is an I/O error")
  func files() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("csv-\(UUID()).csv").path
    try "x,y\n1,2\n3\n".write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    var seen = 0
    let error = #expect(throws: CSVError.self) { try CSVReader.forEachRecord(inFile: path) { _ in seen += 1 } }
    #expect(error?.description == "\(path):3: expected 2 fields, found 1")
    #expect(seen == 2)
    let missing = #expect(throws: CSVError.self) { try CSVReader.forEachRecord(inFile: path + ".none") { _ in } }
    #expect(missing?.code == .io)
    #expect(missing?.description == "\(path).none: cannot open: No such file or directory")
  }

  @Test("spaces stay part of unquoted fields whichever chunk they fall in", arguments: [1, 2, 3, 5, 1 << 20])
  func spacesAcrossChunks(chunkSize: Int) throws {
    // libcsv's space test is switched per chunk (only chunks holding a blank need ours).
    let text = "ab  cd,e\nf,  \n\tg ,h\n"
    #expect(try parse(text, chunkSize: chunkSize) == [["ab  cd", "e"], ["f", "  "], ["\tg ", "h"]])
  }
}
