import CLibCSV
import Foundation

/// The state libcsv's callbacks update for a `CSVFieldReader`: where the open record is, which field comes
/// next, and the first problem. A plain struct in manually managed memory, reached through a raw context
/// pointer like `CSVParseState`.
///
/// The per-field path (`takeField(_:_:into:)`) is inlinable, so that a `CSVDirectFieldSink`'s own field
/// callback compiles it together with the sink's `take` into one function.
@usableFromInline
struct CSVFieldState {
  let sink: any CSVFieldSink
  /// The sink, unretained (`sink` keeps it alive), for callbacks that know its type.
  @usableFromInline let sinkAddress: UnsafeMutableRawPointer
  @usableFromInline let expectedFieldCount: Int?
  let sourceName: String?
  /// Records (from the start of the input) that are counted but not passed to the sink: a header.
  @usableFromInline var recordsToSkip: Int
  @usableFromInline var fieldIndex = 0
  var openRecordLine = 1
  @usableFromInline var newlinesInOpenRecord = 0
  /// The character that ended the last row libcsv reported (CR, LF, or -1 at the end of the input).
  var lastTerminator: Int32 = -1
  /// False while the chunk being parsed holds no quote: no field can hold a newline.
  @usableFromInline var mayHoldNewlines = true
  /// The sink's problem with a field of the open record, reported when the record ends.
  @usableFromInline var pendingProblem: CSVError?
  /// The error that ends the read; once set, the callbacks do nothing.
  var failure: CSVError? {
    didSet {
      failed = failure != nil
      if failed { passLimit = 0 }
    }
  }
  /// `pendingProblem != nil` and `failure != nil` as plain flags: testing an optional struct holding
  /// strings copies it, which the per-field path cannot afford.
  @usableFromInline var problemPending = false
  @usableFromInline private(set) var failed = false
  /// Fields of the open record that go to the sink: the expected count (any, when nil) while the record is
  /// neither skipped nor holds a problem and the read goes on; 0 otherwise. One comparison per field.
  @usableFromInline var passLimit: Int
  /// Records passed to the sink.
  var recordCount = 0

  init(sink: any CSVFieldSink, expectedFieldCount: Int?, sourceName: String?, recordsToSkip: Int) {
    self.sink = sink
    sinkAddress = Unmanaged.passUnretained(sink as AnyObject).toOpaque()
    self.expectedFieldCount = expectedFieldCount
    self.sourceName = sourceName
    self.recordsToSkip = recordsToSkip
    passLimit = recordsToSkip == 0 ? expectedFieldCount ?? .max : 0
  }

  /// Passes a field to the sink through the existential (sinks without their own callback).
  mutating func takeField(_ data: UnsafeMutableRawPointer?, _ length: Int) {
    takeField(data, length, into: sink)
  }

  /// Passes a field libcsv completed to `sink` (the state's sink, as its own type), unless the record is
  /// skipped, already has a problem, or has more fields than expected; counts newlines inside fields.
  @inlinable @inline(__always)
  mutating func takeField<Sink: CSVFieldSink>(_ data: UnsafeMutableRawPointer?, _ length: Int, into sink: Sink) {
    takeField(data, length) { bytes, column throws(CSVError) in try sink.take(bytes, column: column) }
  }

  /// `takeField(_:_:into:)` with the sink's `take` as a closure (`CSVFieldDelivery`'s direct path: a closure
  /// calling a final class's method is inlined where a protocol witness may not be).
  @inlinable @inline(__always)
  mutating func takeField(
    _ data: UnsafeMutableRawPointer?, _ length: Int,
    _ take: (UnsafeRawBufferPointer, Int) throws(CSVError) -> Void
  ) {
    if mayHoldNewlines { countNewlines(data, length) }
    if fieldIndex < passLimit {
      let bytes = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : length)
      do throws(CSVError) {
        try take(bytes, fieldIndex)
      } catch {
        pendingProblem = error
        problemPending = true
        passLimit = 0
      }
    }
    fieldIndex += 1
  }

  /// Counts the line feeds inside a field (only chunks holding a quote can have them).
  @usableFromInline
  mutating func countNewlines(_ data: UnsafeMutableRawPointer?, _ length: Int) {
    guard let data, length > 0, memchr(data, 10, length) != nil else { return }
    let bytes = data.assumingMemoryBound(to: UInt8.self)
    for offset in 0..<length where bytes[offset] == 10 { newlinesInOpenRecord += 1 }
  }

  /// Ends the open record, or counts a blank line: with `CSV_REPALL_NL` libcsv also reports each line end
  /// outside a record as a row without fields, which is a blank line unless it is the LF of a CRLF.
  mutating func endRecord(terminator: Int32) {
    defer { lastTerminator = terminator }
    if failed { return }
    if fieldIndex == 0 {
      if !(terminator == 10 && lastTerminator == 13) { openRecordLine += 1 }
      return
    }
    if recordsToSkip > 0 {
      recordsToSkip -= 1
    } else if let expected = expectedFieldCount, expected != fieldIndex {
      failure = CSVError(
        code: .wrongFieldCount, message: "expected \(expected) fields, found \(fieldIndex)", file: sourceName,
        line: openRecordLine)
    } else if problemPending, var problem = pendingProblem {
      problem.line = openRecordLine
      if problem.file == nil { problem.file = sourceName }
      failure = problem
    } else {
      recordCount += 1
    }
    if problemPending {
      pendingProblem = nil
      problemPending = false
    }
    fieldIndex = 0
    passLimit = failed || recordsToSkip > 0 ? 0 : expectedFieldCount ?? .max
    openRecordLine += 1 + newlinesInOpenRecord
    newlinesInOpenRecord = 0
  }
}

// MARK: - libcsv callbacks

func csvSinkFieldCallback(_ data: UnsafeMutableRawPointer?, _ length: Int, _ context: UnsafeMutableRawPointer?) {
  context!.assumingMemoryBound(to: CSVFieldState.self).pointee.takeField(data, length)
}

func csvSinkRecordCallback(_ terminator: Int32, _ context: UnsafeMutableRawPointer?) {
  context!.assumingMemoryBound(to: CSVFieldState.self).pointee.endRecord(terminator: terminator)
}
