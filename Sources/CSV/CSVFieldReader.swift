import CLibCSV
import Foundation

/// A streaming CSV reader that hands each field to a `CSVFieldSink` as libcsv completes it, without
/// copying fields into record buffers: the fast path for turning a large file into columns
/// (`CSVReader.readFieldsAfterHeader`). Same dialect and errors as `CSVReader`: strict quotes, spaces
/// kept, blank lines skipped, a record with another field count than expected is `.wrongFieldCount`.
/// It does not strip a byte-order mark: use it for input after a header read by `CSVReader`, or skip the
/// first record.
public final class CSVFieldReader {
  private var parser = csv_parser()
  private let state: UnsafeMutablePointer<CSVFieldState>
  private var finished = false
  /// The sink's own callback (`CSVDirectFieldSink`), or the one that calls it through the protocol.
  private let fieldCallback: CSVFieldCallback

  /// - Parameters:
  ///   - expectedFieldCount: fields per record; nil accepts any count (the sink then sees every field).
  ///   - skippingRecords: records at the start that are not passed to the sink (a header).
  public init(
    sink: any CSVFieldSink, expectedFieldCount: Int?, skippingRecords: Int = 0, sourceName: String? = nil
  ) throws {
    fieldCallback = (type(of: sink) as? any CSVDirectFieldSink.Type)?.fieldCallback ?? csvSinkFieldCallback
    state = .allocate(capacity: 1)
    state.initialize(
      to: CSVFieldState(
        sink: sink, expectedFieldCount: expectedFieldCount, sourceName: sourceName, recordsToSkip: skippingRecords))
    guard csv_init(&parser, UInt8(CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL | CSV_REPALL_NL)) == 0 else {
      state.deinitialize(count: 1)
      state.deallocate()
      throw CSVError(code: .io, message: "cannot initialise the CSV parser", file: sourceName)
    }
  }

  deinit {
    csv_free(&parser)
    state.deinitialize(count: 1)
    state.deallocate()
  }

  /// Records passed to the sink so far.
  public var recordCount: Int { state.pointee.recordCount }
  /// The physical line where the next record starts (1 before any input).
  public var nextLine: Int { state.pointee.openRecordLine }

  /// Whether a chunk fed so far held a quote byte.
  public private(set) var sawQuote = false

  /// Parses a chunk; throws the first problem (malformed CSV, a wrong field count, or the sink's).
  public func feed(_ chunk: UnsafeRawBufferPointer) throws {
    guard let base = chunk.baseAddress, chunk.count > 0 else { return }
    let quoted = memchr(base, 34, chunk.count) != nil
    sawQuote = sawQuote || quoted
    state.pointee.mayHoldNewlines = parser.quoted != 0 || quoted
    let consumed = CSVLibrary.parse(
      &parser, chunk, field: fieldCallback, record: csvSinkRecordCallback,
      context: UnsafeMutableRawPointer(state))
    if state.pointee.failed, let failure = state.pointee.failure { throw failure }
    if consumed != chunk.count {
      throw CSVLibrary.malformed(&parser, file: state.pointee.sourceName, line: state.pointee.openRecordLine)
    }
  }

  /// Ends the input: completes a last record without a line end and checks for an unterminated quote.
  public func finish() throws {
    guard !finished else { return }
    finished = true
    let status = csv_fini(&parser, fieldCallback, csvSinkRecordCallback, UnsafeMutableRawPointer(state))
    if state.pointee.failed, let failure = state.pointee.failure { throw failure }
    if status != 0 {
      throw CSVError(
        code: .malformed, message: "unterminated quoted field at the end of the input", file: state.pointee.sourceName,
        line: state.pointee.openRecordLine)
    }
  }
}
