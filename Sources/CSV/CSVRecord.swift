import CLibCSV
import Foundation

/// One parsed record, a view into the reader's buffers: valid only inside the callback that receives it.
///
/// Fields are raw UTF-8 bytes; a NULL field (an unquoted empty field, COPY's CSV convention, when the
/// reader is configured so) is distinct from an empty string (`""`).
public struct CSVRecord {
  let state: UnsafePointer<CSVParseState>
  let firstField: Int
  public let count: Int
  /// The 1-based physical line where this record starts.
  public let line: Int

  init(state: UnsafePointer<CSVParseState>, firstField: Int, count: Int, line: Int) {
    self.state = state
    self.firstField = firstField
    self.count = count
    self.line = line
  }

  /// Whether field `index` is NULL (never true unless the reader treats unquoted empty fields as NULL).
  public func isNull(_ index: Int) -> Bool { state.pointee.fieldIsNull[firstField + index] }

  /// Field `index` as a string; nil for NULL.
  public func string(_ index: Int) -> String? {
    if isNull(index) { return nil }
    return withBytes(index) { String(decoding: $0, as: UTF8.self) }
  }

  /// Calls `body` with the raw bytes of field `index` (empty for NULL).
  public func withBytes<R>(_ index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    let range = state.pointee.fieldRange(firstField + index)
    return try body(UnsafeRawBufferPointer(start: state.pointee.bytes + range.lowerBound, count: range.count))
  }

  /// Field `index` parsed as a finite decimal number (`strtod` in the C locale, whole field).
  /// Returns nil for NULL, empty, trailing garbage, NaN and the infinities.
  public func finiteDouble(_ index: Int) -> Double? {
    let field = firstField + index
    if state.pointee.fieldIsNull[field] { return nil }
    let range = state.pointee.fieldRange(field)
    // The field is NUL-terminated in the buffer.
    return CSVNumber.finiteDouble(
      UnsafeRawBufferPointer(start: state.pointee.bytes + range.lowerBound, count: range.count))
  }
}
