import CLibCSV
import Foundation

/// One parsed record, a view into the reader's buffers: valid only inside the callback that receives it.
///
/// Fields are raw UTF-8 bytes; a NULL field (an unquoted empty field, COPY's CSV convention, when the
/// reader is configured so) is distinct from an empty string (`""`).
public struct CSVRecord {
  let storage: CSVParseState
  let firstField: Int
  public let count: Int
  /// The 1-based physical line where this record starts.
  public let line: Int

  init(storage: CSVParseState, firstField: Int, count: Int, line: Int) {
    self.storage = storage
    self.firstField = firstField
    self.count = count
    self.line = line
  }

  /// Whether field `index` is NULL (never true unless the reader treats unquoted empty fields as NULL).
  public func isNull(_ index: Int) -> Bool { storage.fieldIsNull[firstField + index] }

  /// Field `index` as a string; nil for NULL.
  public func string(_ index: Int) -> String? {
    if isNull(index) { return nil }
    return withBytes(index) { String(decoding: $0, as: UTF8.self) }
  }

  /// Calls `body` with the raw bytes of field `index` (empty for NULL).
  public func withBytes<R>(_ index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    let field = firstField + index
    let start = field == 0 ? 0 : storage.fieldEnds[field - 1] + 1  // +1 skips the NUL after each field
    let end = storage.fieldEnds[field]
    return try storage.bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
  }

  /// Field `index` parsed as a finite decimal number (`strtod` in the C locale, whole field).
  /// Returns nil for NULL, empty, trailing garbage, NaN and the infinities.
  public func finiteDouble(_ index: Int) -> Double? {
    let field = firstField + index
    if storage.fieldIsNull[field] { return nil }
    let start = field == 0 ? 0 : storage.fieldEnds[field - 1] + 1
    let end = storage.fieldEnds[field]
    if start == end { return nil }
    return storage.bytes.withUnsafeBufferPointer { buffer -> Double? in
      let base = UnsafeRawPointer(buffer.baseAddress! + start).assumingMemoryBound(to: CChar.self)
      if let fast = CSVNumber.parseSimple(UnsafeRawBufferPointer(start: base, count: end - start)) {
        return fast
      }
      var stop: UnsafeMutablePointer<CChar>?
      let value = strtod(base, &stop)
      guard let stop, UnsafeRawPointer(stop) == UnsafeRawPointer(base + (end - start)), value.isFinite else {
        return nil
      }
      // strtod also reads hexadecimal and "inf"/"nan" spellings: accept only decimal text.
      for offset in 0..<(end - start) {
        let byte = UInt8(bitPattern: base[offset])
        if !(byte >= 48 && byte <= 57) && byte != 46 && byte != 45 && byte != 43 && byte != 101 && byte != 69 {
          return nil
        }
      }
      return value
    }
  }
}
