import CLibCSV
import Foundation

/// A streaming CSV reader over libcsv: feed it chunks of bytes (from a file or from COPY), and it calls
/// back with each complete record. Memory holds one chunk's records at a time.
///
/// Handles quoted fields, embedded quotes (`""`) and newlines, CRLF and LF line ends, and a UTF-8
/// byte-order mark at the very start. In strict mode a stray quote is a `.malformed` error. When
/// `nullForUnquotedEmpty` is set, an unquoted empty field is NULL and a quoted empty field (`""`) is the
/// empty string: COPY's CSV convention. When `expectedFieldCount` is set (or learned from the first
/// record with `fieldCountFromFirstRecord`), a record with another number of fields is a
/// `.wrongFieldCount` error naming its line. Blank lines are skipped.
public final class CSVReader {
  public struct Options: Sendable {
    public var nullForUnquotedEmpty: Bool
    public var expectedFieldCount: Int?
    public var fieldCountFromFirstRecord: Bool
    /// Names the input in error messages.
    public var sourceName: String?

    public init(
      nullForUnquotedEmpty: Bool = false, expectedFieldCount: Int? = nil, fieldCountFromFirstRecord: Bool = true,
      sourceName: String? = nil
    ) {
      self.nullForUnquotedEmpty = nullForUnquotedEmpty
      self.expectedFieldCount = expectedFieldCount
      self.fieldCountFromFirstRecord = fieldCountFromFirstRecord
      self.sourceName = sourceName
    }
  }

  private var parser = csv_parser()
  private let state: UnsafeMutablePointer<CSVParseState>
  private var options: Options
  private var atStart = true
  private var pendingStart: [UInt8] = []
  private var finished = false
  /// Records delivered so far.
  public private(set) var recordCount = 0

  public init(options: Options = Options()) throws {
    self.options = options
    self.state = .allocate(capacity: 1)
    state.initialize(to: CSVParseState(nullForUnquotedEmpty: options.nullForUnquotedEmpty))
    var flags = UInt8(CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL | CSV_REPALL_NL)
    if options.nullForUnquotedEmpty { flags |= UInt8(CSV_EMPTY_IS_NULL) }
    guard csv_init(&parser, flags) == 0 else {
      state.pointee.release()
      state.deinitialize(count: 1)
      state.deallocate()
      throw CSVError(code: .io, message: "cannot initialise the CSV parser", file: options.sourceName)
    }
  }

  deinit {
    csv_free(&parser)
    state.pointee.release()
    state.deinitialize(count: 1)
    state.deallocate()
  }

  /// Parses a chunk and calls `onRecord` for every record it completes.
  public func feed(_ chunk: UnsafeRawBufferPointer, _ onRecord: (CSVRecord) throws -> Void) throws {
    var chunk = chunk
    var joined: [UInt8] = []
    if atStart {
      // The byte-order mark may be split across the first chunks: hold up to 3 bytes until decided.
      joined = pendingStart + Array(chunk)
      if joined.count < 3 && joined.starts(with: [0xEF, 0xBB, 0xBF].prefix(joined.count)) {
        pendingStart = joined
        return
      }
      atStart = false
      pendingStart = []
      if joined.starts(with: [0xEF, 0xBB, 0xBF]) { joined.removeFirst(3) }
      try joined.withUnsafeBytes { try parse($0, onRecord) }
      return
    }
    if chunk.isEmpty { return }
    try parse(chunk, onRecord)
    chunk = UnsafeRawBufferPointer(start: nil, count: 0)
  }

  /// Ends the input: delivers a last record without a line end and checks for an unterminated quote.
  public func finish(_ onRecord: (CSVRecord) throws -> Void) throws {
    guard !finished else { return }
    finished = true
    if atStart && !pendingStart.isEmpty {
      atStart = false
      let start = pendingStart
      pendingStart = []
      try start.withUnsafeBytes { try parse($0, onRecord) }
    }
    let status = csv_fini(&parser, csvFieldCallback, csvRecordCallback, UnsafeMutableRawPointer(state))
    if status != 0 {
      throw CSVError(
        code: .malformed, message: "unterminated quoted field at the end of the input", file: options.sourceName,
        line: state.pointee.openRecordLine)
    }
    try deliver(onRecord)
  }

  private func parse(_ bytes: UnsafeRawBufferPointer, _ onRecord: (CSVRecord) throws -> Void) throws {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return }
    state.pointee.mayHoldNewlines = parser.quoted != 0 || memchr(base, 34, bytes.count) != nil
    let consumed = CSVLibrary.parse(
      &parser, bytes, field: csvFieldCallback, record: csvRecordCallback, context: UnsafeMutableRawPointer(state))
    if consumed != bytes.count {
      // Deliver what was complete first so that the error names the right line.
      try deliver(onRecord)
      throw CSVLibrary.malformed(&parser, file: options.sourceName, line: state.pointee.openRecordLine)
    }
    try deliver(onRecord)
  }

  private func deliver(_ onRecord: (CSVRecord) throws -> Void) throws {
    var fieldStart = 0
    let recordEnds = state.pointee.recordEnds
    let recordLines = state.pointee.recordLines
    for index in recordEnds.indices {
      let end = recordEnds[index]
      let count = end - fieldStart
      let line = recordLines[index]
      if options.expectedFieldCount == nil && options.fieldCountFromFirstRecord {
        options.expectedFieldCount = count
      }
      if let expected = options.expectedFieldCount, expected != count {
        throw CSVError(
          code: .wrongFieldCount, message: "expected \(expected) fields, found \(count)", file: options.sourceName,
          line: line)
      }
      recordCount += 1
      try onRecord(CSVRecord(state: UnsafePointer(state), firstField: fieldStart, count: count, line: line))
      fieldStart = end
    }
    state.pointee.discardCompletedRecords()
  }
}
