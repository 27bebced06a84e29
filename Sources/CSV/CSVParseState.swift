import CLibCSV
import Foundation

/// The buffers libcsv's callbacks fill for one chunk of input: field bytes (each followed by a NUL),
/// field ends, NULL flags, and where each record ends and starts (line).
///
/// A reference type handed to the C callbacks as an unmanaged context pointer; it never escapes
/// the `CSVReader` that owns it.
final class CSVParseState {
  var bytes: [UInt8] = []
  var fieldEnds: [Int] = []
  var fieldIsNull: [Bool] = []
  /// For each completed record: the index one past its last field.
  var recordEnds: [Int] = []
  var recordLines: [Int] = []
  /// Fields of the record being read (possibly carried over from the previous chunk).
  var fieldsInOpenRecord = 0
  /// The physical line where the open record starts, and newlines seen inside its fields.
  var openRecordLine = 1
  var newlinesInOpenRecord = 0
  let nullForUnquotedEmpty: Bool

  init(nullForUnquotedEmpty: Bool) {
    self.nullForUnquotedEmpty = nullForUnquotedEmpty
    bytes.reserveCapacity(1 << 20)
  }

  func appendField(_ data: UnsafeRawPointer?, _ length: Int) {
    if let data {
      let buffer = UnsafeRawBufferPointer(start: data, count: length)
      bytes.append(contentsOf: buffer)
      if length > 0, memchr(data, 10, length) != nil {
        newlinesInOpenRecord += buffer.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
      }
      fieldIsNull.append(false)
    } else {
      fieldIsNull.append(nullForUnquotedEmpty)
    }
    bytes.append(0)
    fieldEnds.append(bytes.count - 1)
    fieldsInOpenRecord += 1
  }

  func endRecord() {
    recordEnds.append(fieldEnds.count)
    recordLines.append(openRecordLine)
    openRecordLine += 1 + newlinesInOpenRecord
    newlinesInOpenRecord = 0
    fieldsInOpenRecord = 0
  }

  /// Drops the completed records after they were delivered, keeping the open record's fields.
  func discardCompletedRecords() {
    guard let lastEnd = recordEnds.last else { return }
    let keptFields = fieldEnds.count - lastEnd
    if keptFields == 0 {
      bytes.removeAll(keepingCapacity: true)
      fieldEnds.removeAll(keepingCapacity: true)
      fieldIsNull.removeAll(keepingCapacity: true)
    } else {
      let byteStart = fieldEnds[lastEnd - 1] + 1
      bytes.removeSubrange(0..<byteStart)
      fieldEnds.removeSubrange(0..<lastEnd)
      for index in fieldEnds.indices { fieldEnds[index] -= byteStart }
      fieldIsNull.removeSubrange(0..<lastEnd)
    }
    recordEnds.removeAll(keepingCapacity: true)
    recordLines.removeAll(keepingCapacity: true)
  }
}

// MARK: - libcsv callbacks (free functions: C cannot call closures that capture context)

func csvFieldCallback(_ data: UnsafeMutableRawPointer?, _ length: Int, _ context: UnsafeMutableRawPointer?) {
  guard let context else { return }
  Unmanaged<CSVParseState>.fromOpaque(context).takeUnretainedValue().appendField(data, length)
}

func csvRecordCallback(_ terminator: Int32, _ context: UnsafeMutableRawPointer?) {
  guard let context else { return }
  Unmanaged<CSVParseState>.fromOpaque(context).takeUnretainedValue().endRecord()
}

/// libcsv trims spaces and tabs around unquoted fields by default; COPY and RFC 4180 keep them.
func csvNeverSpace(_ character: UInt8) -> Int32 { 0 }
