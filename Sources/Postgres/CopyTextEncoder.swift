/// Builds rows in PostgreSQL's COPY text format: tab-separated, `\N` for NULL, newline-terminated,
/// with backslash, tab, newline and carriage return escaped inside values.
public struct CopyTextEncoder {
  public private(set) var bytes: [UInt8] = []
  private var fieldsInRow = 0

  public init(capacity: Int = 1 << 16) { bytes.reserveCapacity(capacity) }

  /// A text value, escaped; nil is NULL.
  public mutating func field(_ value: String?) {
    separate()
    guard var value else {
      bytes.append(92)
      bytes.append(78)  // \N
      return
    }
    value.withUTF8 { utf8 in
      for byte in utf8 {
        switch byte {
        case 92: bytes.append(92); bytes.append(92)
        case 9: bytes.append(92); bytes.append(116)
        case 10: bytes.append(92); bytes.append(110)
        case 13: bytes.append(92); bytes.append(114)
        default: bytes.append(byte)
        }
      }
    }
  }

  /// A value that needs no escaping (numbers, dates, timestamps); nil is NULL.
  public mutating func raw(_ value: String?) {
    separate()
    guard var value else {
      bytes.append(92)
      bytes.append(78)
      return
    }
    value.withUTF8 { bytes.append(contentsOf: $0) }
  }

  /// An integer without going through String.
  public mutating func integer(_ value: Int64) {
    separate()
    if value < 0 { bytes.append(45) }
    appendDigits(value.magnitude)
  }

  /// An amount in cents written as a decimal with two places (`1234` -> `12.34`).
  public mutating func cents(_ value: Int64) {
    separate()
    if value < 0 { bytes.append(45) }
    let magnitude = value.magnitude
    appendDigits(magnitude / 100)
    bytes.append(46)
    bytes.append(UInt8(48 + magnitude % 100 / 10))
    bytes.append(UInt8(48 + magnitude % 10))
  }

  /// A `timestamptz` in UTC from seconds since 1970-01-01: `YYYY-MM-DD HH:MM:SS+00`.
  public mutating func timestamp(epochSeconds: Int64) {
    separate()
    var days = epochSeconds / 86_400
    var secondOfDay = epochSeconds % 86_400
    if secondOfDay < 0 {
      secondOfDay += 86_400
      days -= 1
    }
    appendDate(LocalDate(daysSinceEpoch: Int(days)))
    bytes.append(32)
    appendTwoDigits(Int(secondOfDay / 3600))
    bytes.append(58)
    appendTwoDigits(Int(secondOfDay / 60 % 60))
    bytes.append(58)
    appendTwoDigits(Int(secondOfDay % 60))
    bytes.append(43)
    bytes.append(48)
    bytes.append(48)
  }

  /// A `date`: `YYYY-MM-DD`.
  public mutating func date(_ date: LocalDate) {
    separate()
    appendDate(date)
  }

  private mutating func appendDate(_ date: LocalDate) {
    let year = date.year
    bytes.append(UInt8(48 + year / 1000 % 10))
    bytes.append(UInt8(48 + year / 100 % 10))
    bytes.append(UInt8(48 + year / 10 % 10))
    bytes.append(UInt8(48 + year % 10))
    bytes.append(45)
    appendTwoDigits(date.month)
    bytes.append(45)
    appendTwoDigits(date.day)
  }

  private mutating func appendTwoDigits(_ value: Int) {
    bytes.append(UInt8(48 + value / 10))
    bytes.append(UInt8(48 + value % 10))
  }

  private mutating func appendDigits(_ value: UInt64) {
    var count = 1
    var probe = value
    while probe >= 10 {
      probe /= 10
      count += 1
    }
    let start = bytes.count
    bytes.append(contentsOf: repeatElement(48, count: count))
    var remaining = value
    var index = start + count - 1
    while index >= start {
      bytes[index] = UInt8(48 + remaining % 10)
      remaining /= 10
      index -= 1
    }
  }

  /// Ends the row.
  public mutating func endRow() {
    bytes.append(10)
    fieldsInRow = 0
  }

  /// Empties the buffer (keeping its capacity) after its bytes were written.
  public mutating func reset() {
    bytes.removeAll(keepingCapacity: true)
    fieldsInRow = 0
  }

  private mutating func separate() {
    if fieldsInRow > 0 { bytes.append(9) }
    fieldsInRow += 1
  }
}
