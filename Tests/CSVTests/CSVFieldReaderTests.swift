import CSV
import Foundation
import Synchronization
import Testing

/// A sink that keeps every field as a string, and refuses the field `refuse` when it is set.
final class CollectingSink: CSVFieldSink {
  var records: [[String]] = []
  private var open: [String] = []
  let width: Int
  let refuse: String?

  init(width: Int, refuse: String? = nil) {
    self.width = width
    self.refuse = refuse
  }

  func take(_ bytes: UnsafeRawBufferPointer, column: Int) throws(CSVError) {
    let text = String(decoding: bytes, as: UTF8.self)
    if text == refuse { throw CSVError(code: .invalidValue, message: "refused \(text)", column: "c\(column + 1)") }
    open.append(text)
    if open.count == width {
      records.append(open)
      open = []
    }
  }
}

/// A `CollectingSink` behind a libcsv callback of its own, counting the fields delivered through it.
protocol CountedDirectSink: CSVDirectFieldSink {
  init(width: Int, refuse: String?)
  var inner: CollectingSink { get }
  var taken: Int { get }
  /// Fields delivered through `fieldCallback`, over all instances (so a test can tell the path was taken).
  static var callbacks: Int { get }
}

/// `CollectingSink` behind its own libcsv callback (`CSVDirectFieldSink`), counting the fields it took.
final class DirectCollectingSink: CountedDirectSink {
  /// Fields delivered through `fieldCallback`, over all instances (so a test can tell the path was taken).
  static let callbackFields = Atomic<Int>(0)
  static let fieldCallback: CSVFieldCallback = { data, length, context in
    DirectCollectingSink.callbackFields.add(1, ordering: .relaxed)
    CSVFieldDelivery.deliver(data, length, context, to: DirectCollectingSink.self)
  }
  let inner: CollectingSink
  var taken = 0

  static var callbacks: Int { callbackFields.load(ordering: .relaxed) }

  init(width: Int, refuse: String? = nil) { inner = CollectingSink(width: width, refuse: refuse) }

  func take(_ bytes: UnsafeRawBufferPointer, column: Int) throws(CSVError) {
    taken += 1
    try inner.take(bytes, column: column)
  }
}

/// `DirectCollectingSink` delivering through the closure form of `CSVFieldDelivery.deliver`.
final class ClosureCollectingSink: CountedDirectSink {
  static let callbackFields = Atomic<Int>(0)
  static let fieldCallback: CSVFieldCallback = { data, length, context in
    ClosureCollectingSink.callbackFields.add(1, ordering: .relaxed)
    CSVFieldDelivery.deliver(data, length, context, to: ClosureCollectingSink.self) {
      sink, bytes, column throws(CSVError) in
      try sink.take(bytes, column: column)
    }
  }
  let inner: CollectingSink
  var taken = 0
  static var callbacks: Int { callbackFields.load(ordering: .relaxed) }

  init(width: Int, refuse: String? = nil) { inner = CollectingSink(width: width, refuse: refuse) }

  func take(_ bytes: UnsafeRawBufferPointer, column: Int) throws(CSVError) {
    taken += 1
    try inner.take(bytes, column: column)
  }
}

/// Writes `text` to a fresh temporary file and returns its path.
func temporaryCSV(_ text: String, name: String = "input.csv") throws -> String {
  let folder = FileManager.default.temporaryDirectory.appendingPathComponent("csv-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  let path = folder.appendingPathComponent(name).path
  try Data(text.utf8).write(to: URL(fileURLWithPath: path))
  return path
}

/// Reads `path` field by field in up to `partitions` ranges of at least `minimum` bytes.
func readPartitioned(_ path: String, partitions: Int, minimum: Int = 16) throws -> [[String]] {
  let sinks = try CSVReader.readFieldsAfterHeader(inFile: path, partitions: partitions, minimumRangeBytes: minimum) {
    header, _ in CollectingSink(width: header.count)
  }
  return sinks.flatMap(\.records)
}

/// The error a read throws, as `CSVError`.
func readError(_ body: () throws -> Void) -> CSVError? {
  do {
    try body()
    return nil
  } catch {
    return error as? CSVError
  }
}

@Suite("CSV fields in byte ranges on several threads")
struct CSVFieldReaderTests {
  /// 400 records of three fields, with spaces, non-ASCII and empty fields, but no quotes.
  static let plainText: String = {
    var text = "id,name,value\n"
    for row in 1...400 { text += "\(row),\(row % 7 == 0 ? " café " : "n\(row)"),\(row % 5 == 0 ? "" : "\(row).5")\n" }
    return text
  }()

  @Test("every range split gives the sequential reader's records, in order", arguments: [1, 2, 3, 8])
  func sameAsSequential(partitions: Int) throws {
    let path = try temporaryCSV(Self.plainText)
    let expected = try parse(Self.plainText).dropFirst().map { $0.map { $0 ?? "" } }
    #expect(try readPartitioned(path, partitions: partitions) == Array(expected))
    #expect(expected.count == 400)
  }

  @Test("a quote before a cut (a field holding a newline) is read by one reader, correctly")
  func quotedFieldsFallBackToOneReader() throws {
    var text = "id,note\n1,\"two\nlines, and a comma\"\n"
    for row in 2...300 { text += "\(row),n\(row)\n" }
    let path = try temporaryCSV(text)
    let records = try readPartitioned(path, partitions: 4)
    #expect(records.count == 300)
    #expect(records[0] == ["1", "two\nlines, and a comma"])
    #expect(records[299] == ["300", "n300"])
  }

  @Test(
    "each sink is told where its range sits: the file's start, its first record when no quote or carriage return comes before it, its most records"
  )
  func rangePositions() throws {
    var positions: [CSVRangePosition] = []
    let plain = try temporaryCSV(Self.plainText)
    let sinks = try CSVReader.readFieldsAfterHeader(inFile: plain, partitions: 3, minimumRangeBytes: 16) {
      header, position in
      positions.append(position)
      return CollectingSink(width: header.count)
    }
    #expect(sinks.count == 3)
    #expect(positions.map(\.startsFile) == [true, false, false])
    let counts = sinks.map(\.records.count)
    #expect(positions.map(\.firstRecord) == [0, counts[0], counts[0] + counts[1]])
    #expect(zip(positions, counts).allSatisfy { $0.mostRecords >= $1 })

    // Empty lines are line feeds without a record: a later range's first record is then an upper bound.
    var gapped = "id,note\n"
    for row in 1...300 { gapped += "\(row),n\(row)\n" + (row % 50 == 0 ? "\n" : "") }
    positions = []
    let withGaps = try CSVReader.readFieldsAfterHeader(
      inFile: try temporaryCSV(gapped), partitions: 2, minimumRangeBytes: 16
    ) { header, position in
      positions.append(position)
      return CollectingSink(width: header.count)
    }
    #expect(withGaps.flatMap(\.records).count == 300)
    let before = withGaps[0].records.count
    #expect(try #require(positions[1].firstRecord) >= before)
    #expect(try #require(positions[1].firstRecord) <= before + 6)

    positions = []
    var quoted = "id,note\n1,\"two\nlines\"\n"
    for row in 2...300 { quoted += "\(row),n\(row)\n" }
    let fallback = try temporaryCSV(quoted)
    let single = try CSVReader.readFieldsAfterHeader(inFile: fallback, partitions: 3, minimumRangeBytes: 16) {
      header, position in
      positions.append(position)
      return CollectingSink(width: header.count)
    }
    #expect(single.count == 1)
    #expect(positions.map(\.startsFile) == [true, false, false, true])
    #expect(positions.map(\.firstRecord) == [0, nil, nil, 0])
  }

  @Test(
    "a sink with its own callback (either delivery) sees what the protocol path sees: fields, errors and lines",
    arguments: [
      "a,b\n1,2\n\"x\ny\",4\n5,6\n", "a,b\n1,2\n3,bad\n", "a,b\n1,2\nbad,4,5\n", "a,b\r\n1,2\r\n\r\n3,4",
    ])
  func directCallbackMatchesProtocolPath(text: String) throws {
    let path = try temporaryCSV(text)
    var dynamic: [[String]] = []
    let dynamicError = readError {
      let sinks = try CSVReader.readFieldsAfterHeader(inFile: path, partitions: 2, minimumRangeBytes: 1) {
        header, _ in CollectingSink(width: header.count, refuse: "bad")
      }
      dynamic = sinks.flatMap(\.records)
    }
    expectSameAsProtocolPath(DirectCollectingSink.self, path: path, records: dynamic, error: dynamicError)
    expectSameAsProtocolPath(ClosureCollectingSink.self, path: path, records: dynamic, error: dynamicError)
  }

  /// Reads `path` through sinks of type `Sink` and checks their records and error against the protocol
  /// path's, and that the fields came through their own callback.
  private func expectSameAsProtocolPath<Sink: CountedDirectSink>(
    _ type: Sink.Type, path: String, records: [[String]], error: CSVError?
  ) {
    var seen: [[String]] = []
    var taken = 0
    let callbacksBefore = Sink.callbacks
    let failure = readError {
      let sinks = try CSVReader.readFieldsAfterHeader(inFile: path, partitions: 2, minimumRangeBytes: 1) {
        header, _ in Sink(width: header.count, refuse: "bad")
      }
      seen = sinks.flatMap(\.inner.records)
      taken = sinks.reduce(0) { $0 + $1.taken }
    }
    #expect(seen == records)
    #expect(failure?.description == error?.description)
    #expect(taken == seen.count * 2)
    if failure == nil {  // (a wrong field count near the start is found by the header's read)
      #expect(taken > 0)
      #expect(Sink.callbacks - callbacksBefore >= taken + 2)
    }
  }

  @Test("byteCount reads the file's first bytes only (the size the caller sized its storage by)")
  func byteCountLimitsTheRead() throws {
    let path = try temporaryCSV("a,b\n1,2\n3,4\n5,6\n")
    for partitions in [1, 2] {
      let sinks = try CSVReader.readFieldsAfterHeader(
        inFile: path, partitions: partitions, minimumRangeBytes: 1, byteCount: 12
      ) { header, _ in CollectingSink(width: header.count) }
      #expect(sinks.flatMap(\.records) == [["1", "2"], ["3", "4"]])
    }
  }

  @Test("an error in a later range names the file's line", arguments: [1, 2, 4])
  func errorLinesCountFromTheFileStart(partitions: Int) throws {
    var lines = Self.plainText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    lines[350] = "350,x"  // line 351: two fields
    let path = try temporaryCSV(lines.joined(separator: "\n"))
    let error = readError { _ = try readPartitioned(path, partitions: partitions) }
    #expect(error?.code == .wrongFieldCount)
    #expect(error?.description == "\(path):351: expected 3 fields, found 2")
  }

  @Test("the sink's problem is reported with its line; a wrong field count in the same record wins")
  func sinkProblems() throws {
    let refused = try temporaryCSV("a,b\n1,2\n3,bad\n")
    let error = readError {
      _ = try CSVReader.readFieldsAfterHeader(inFile: refused, partitions: 1) { header, _ in
        CollectingSink(width: header.count, refuse: "bad")
      }
    }
    #expect(error?.description == "\(refused):3: column c2: refused bad")
    let both = try temporaryCSV("a,b\n1,2\nbad,4,5\n")
    let countError = readError {
      _ = try CSVReader.readFieldsAfterHeader(inFile: both, partitions: 1) { header, _ in
        CollectingSink(width: header.count, refuse: "bad")
      }
    }
    #expect(countError?.description == "\(both):3: expected 2 fields, found 3")
  }

  @Test("CRLF line ends, blank lines, a byte-order mark and a last line without a line end")
  func lineEnds() throws {
    let path = try temporaryCSV("\u{FEFF}h1,h2\r\n1,2\r\n\r\n3,4\n\n5,6")
    #expect(try readPartitioned(path, partitions: 2, minimum: 1) == [["1", "2"], ["3", "4"], ["5", "6"]])
    let bad = try temporaryCSV("h1,h2\r\n1,2\r\n\r\n3,4\n\n5,6,7")
    let error = readError { _ = try readPartitioned(bad, partitions: 2, minimum: 1) }
    #expect(error?.line == 6)
  }

  @Test("an empty file gives no sinks; a header alone gives no records")
  func emptyInputs() throws {
    let empty = try temporaryCSV("")
    #expect(
      try CSVReader.readFieldsAfterHeader(inFile: empty, partitions: 2) { h, _ in CollectingSink(width: h.count) }
        .isEmpty)
    let headerOnly = try temporaryCSV("a,b\n")
    #expect(try readPartitioned(headerOnly, partitions: 2).isEmpty)
    let missing = readError { _ = try readPartitioned(headerOnly + ".none", partitions: 2) }
    #expect(missing?.code == .io)
  }

  @Test("an unterminated quote at the end is malformed, with its line")
  func unterminatedQuote() throws {
    let path = try temporaryCSV("a,b\n1,2\n3,\"open\n")
    let error = readError { _ = try readPartitioned(path, partitions: 2) }
    #expect(error?.description == "\(path):3: unterminated quoted field at the end of the input")
  }
}
