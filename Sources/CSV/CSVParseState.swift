import CLibCSV
import Foundation

/// The buffers libcsv's callbacks fill for one chunk of input: field bytes (each followed by a NUL),
/// field ends, NULL flags, and where each record ends and starts (line).
///
/// A plain struct in manually managed memory, reached by the C callbacks through a raw context pointer:
/// the hot path (one call per field) then pays no reference counting and no dynamic exclusivity
/// checks, which dominated the profile of a class-based version. `CSVReader` owns the allocation and
/// calls `release()`.
struct CSVParseState {
  private(set) var bytes: UnsafeMutablePointer<UInt8>
  private var byteCapacity: Int
  private(set) var byteCount = 0

  private(set) var fieldEnds: UnsafeMutablePointer<Int>
  private(set) var fieldIsNull: UnsafeMutablePointer<Bool>
  private var fieldCapacity: Int
  private(set) var fieldCount = 0

  /// For each completed record: the index one past its last field, and its first physical line.
  private(set) var recordEnds: [Int] = []
  private(set) var recordLines: [Int] = []

  /// The physical line where the open record starts, and newlines seen inside its fields.
  private(set) var openRecordLine = 1
  private var newlinesInOpenRecord = 0
  /// The character that ended the last row libcsv reported (CR, LF, or -1 at the end of the input).
  private var lastTerminator: Int32 = -1
  let nullForUnquotedEmpty: Bool
  /// False while parsing a chunk that holds no quote character (and started outside a quoted field):
  /// then no field can hold a newline and the per-field scan for them is skipped.
  var mayHoldNewlines = true

  init(nullForUnquotedEmpty: Bool) {
    self.nullForUnquotedEmpty = nullForUnquotedEmpty
    byteCapacity = 1 << 16
    bytes = .allocate(capacity: byteCapacity)
    fieldCapacity = 1 << 12
    fieldEnds = .allocate(capacity: fieldCapacity)
    fieldIsNull = .allocate(capacity: fieldCapacity)
  }

  func release() {
    bytes.deallocate()
    fieldEnds.deallocate()
    fieldIsNull.deallocate()
  }

  /// Bytes of field `index` (without its NUL).
  func fieldRange(_ index: Int) -> Range<Int> {
    (index == 0 ? 0 : fieldEnds[index - 1] + 1)..<fieldEnds[index]
  }

  mutating func appendField(_ data: UnsafeRawPointer?, _ length: Int) {
    if byteCount + length + 1 > byteCapacity { growBytes(to: byteCount + length + 1) }
    if fieldCount == fieldCapacity { growFields() }
    if let data {
      (bytes + byteCount).update(from: data.assumingMemoryBound(to: UInt8.self), count: length)
      if mayHoldNewlines, length > 0, memchr(data, 10, length) != nil {
        var newlines = 0
        for offset in 0..<length where bytes[byteCount + offset] == 10 { newlines += 1 }
        newlinesInOpenRecord += newlines
      }
      byteCount += length
      fieldIsNull[fieldCount] = false
    } else {
      fieldIsNull[fieldCount] = nullForUnquotedEmpty
    }
    bytes[byteCount] = 0
    fieldEnds[fieldCount] = byteCount
    byteCount += 1
    fieldCount += 1
  }

  /// Ends the open record, or counts a blank line: with `CSV_REPALL_NL` libcsv also reports each line end
  /// outside a record as a row without fields, which is a blank line unless it is the LF of a CRLF.
  mutating func endRecord(terminator: Int32) {
    defer { lastTerminator = terminator }
    if fieldCount == (recordEnds.last ?? 0) {
      if !(terminator == 10 && lastTerminator == 13) { openRecordLine += 1 }
      return
    }
    recordEnds.append(fieldCount)
    recordLines.append(openRecordLine)
    openRecordLine += 1 + newlinesInOpenRecord
    newlinesInOpenRecord = 0
  }

  /// Drops the completed records after they were delivered, keeping the open record's fields.
  mutating func discardCompletedRecords() {
    guard let lastEnd = recordEnds.last else { return }
    let keptFields = fieldCount - lastEnd
    if keptFields == 0 {
      byteCount = 0
      fieldCount = 0
    } else {
      let byteStart = fieldEnds[lastEnd - 1] + 1
      let keptBytes = byteCount - byteStart
      bytes.update(from: bytes + byteStart, count: keptBytes)
      for index in 0..<keptFields {
        fieldEnds[index] = fieldEnds[lastEnd + index] - byteStart
        fieldIsNull[index] = fieldIsNull[lastEnd + index]
      }
      byteCount = keptBytes
      fieldCount = keptFields
    }
    recordEnds.removeAll(keepingCapacity: true)
    recordLines.removeAll(keepingCapacity: true)
  }

  private mutating func growBytes(to needed: Int) {
    var capacity = byteCapacity * 2
    while capacity < needed { capacity *= 2 }
    let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
    grown.update(from: bytes, count: byteCount)
    bytes.deallocate()
    bytes = grown
    byteCapacity = capacity
  }

  private mutating func growFields() {
    let capacity = fieldCapacity * 2
    let ends = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
    ends.update(from: fieldEnds, count: fieldCount)
    fieldEnds.deallocate()
    fieldEnds = ends
    let nulls = UnsafeMutablePointer<Bool>.allocate(capacity: capacity)
    nulls.update(from: fieldIsNull, count: fieldCount)
    fieldIsNull.deallocate()
    fieldIsNull = nulls
    fieldCapacity = capacity
  }
}

// MARK: - libcsv callbacks (free functions: C cannot call closures that capture context)

func csvFieldCallback(_ data: UnsafeMutableRawPointer?, _ length: Int, _ context: UnsafeMutableRawPointer?) {
  context!.assumingMemoryBound(to: CSVParseState.self).pointee.appendField(data, length)
}

func csvRecordCallback(_ terminator: Int32, _ context: UnsafeMutableRawPointer?) {
  context!.assumingMemoryBound(to: CSVParseState.self).pointee.endRecord(terminator: terminator)
}
