import Foundation

/// Text conversions of `timestamptz` in the ISO style the wrapper's sessions use (`DateStyle = ISO`,
/// `TimeZone = UTC`): `2024-03-31 01:30:00.123456+00`. Instants keep microseconds, PostgreSQL's precision.
public enum PostgresTimestamp {
  /// `YYYY-MM-DD HH:MM:SS.ffffff+00`.
  public static func format(_ date: Date) -> String {
    let totalMicros = (date.timeIntervalSince1970 * 1_000_000).rounded()
    let micros = Int64(totalMicros)
    var seconds = micros / 1_000_000
    var fraction = micros % 1_000_000
    if fraction < 0 {
      fraction += 1_000_000
      seconds -= 1
    }
    var days = Int(seconds / 86_400)
    var secondOfDay = Int(seconds % 86_400)
    if secondOfDay < 0 {
      secondOfDay += 86_400
      days -= 1
    }
    let date = LocalDate(daysSinceEpoch: days)
    func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
    var text = "\(date) \(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))"
    if fraction != 0 {
      let digits = String(fraction)
      text += "." + String(repeating: "0", count: 6 - digits.count) + digits
    }
    return text + "+00"
  }

  /// Parses `YYYY-MM-DD HH:MM:SS[.ffffff][+HH[:MM[:SS]]]` (a `T` separator is accepted too).
  /// Returns nil for anything else, including `infinity`.
  public static func parse(_ text: some StringProtocol) -> Date? {
    let bytes = Array(text.utf8)
    guard bytes.count >= 19, let date = LocalDate(iso: String(decoding: bytes[0..<10], as: UTF8.self)) else {
      return nil
    }
    guard bytes[10] == UInt8(ascii: " ") || bytes[10] == UInt8(ascii: "T"), bytes[13] == 58, bytes[16] == 58
    else { return nil }
    var position = 11
    func digits(_ count: Int) -> Int? {
      guard position + count <= bytes.count else { return nil }
      var value = 0
      for byte in bytes[position..<position + count] {
        guard byte >= 48, byte <= 57 else { return nil }
        value = value * 10 + Int(byte - 48)
      }
      position += count
      return value
    }
    guard let hour = digits(2) else { return nil }
    position += 1
    guard let minute = digits(2) else { return nil }
    position += 1
    guard let second = digits(2), hour < 24, minute < 60, second < 61 else { return nil }
    var micros = 0
    if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
      position += 1
      var scale = 100_000
      while position < bytes.count, bytes[position] >= 48, bytes[position] <= 57 {
        micros += Int(bytes[position] - 48) * scale
        scale /= 10
        position += 1
      }
    }
    var offsetSeconds = 0
    if position < bytes.count {
      let sign = bytes[position]
      guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else {
        guard bytes[position] == UInt8(ascii: "Z"), position + 1 == bytes.count else { return nil }
        position = bytes.count
        return instant(date, hour, minute, second, micros, 0)
      }
      position += 1
      guard let offsetHours = digits(2) else { return nil }
      var offsetMinutes = 0
      var offsetExtra = 0
      if position < bytes.count, bytes[position] == 58 {
        position += 1
        guard let value = digits(2) else { return nil }
        offsetMinutes = value
        if position < bytes.count, bytes[position] == 58 {
          position += 1
          guard let extra = digits(2) else { return nil }
          offsetExtra = extra
        }
      }
      guard position == bytes.count else { return nil }
      offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60 + offsetExtra) * (sign == 45 ? -1 : 1)
    }
    return instant(date, hour, minute, second, micros, offsetSeconds)
  }

  private static func instant(_ date: LocalDate, _ h: Int, _ m: Int, _ s: Int, _ micros: Int, _ offset: Int)
    -> Date
  {
    let seconds = date.daysSinceEpoch * 86_400 + h * 3600 + m * 60 + s - offset
    return Date(timeIntervalSince1970: Double(seconds) + Double(micros) / 1_000_000)
  }
}
