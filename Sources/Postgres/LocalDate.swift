import CivilCalendar

/// A calendar date without a time zone: PostgreSQL's `date`.
///
/// Slot dates are local dates in the city's time zone, so they are kept apart from instants (`Date`).
/// Ordering and arithmetic use the day number since 1970-01-01 (proleptic Gregorian calendar).
public struct LocalDate: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
  public let year: Int
  public let month: Int
  public let day: Int

  /// Creates a date; returns nil for an impossible one (month 13, February 30).
  public init?(year: Int, month: Int, day: Int) {
    guard (1...12).contains(month), day >= 1, day <= LocalDate.daysIn(month: month, year: year) else {
      return nil
    }
    self.year = year
    self.month = month
    self.day = day
  }

  /// The date `daysSinceEpoch` days after 1970-01-01 (negative before).
  public init(daysSinceEpoch: Int) {
    (year, month, day) = CivilCalendar.civil(days: daysSinceEpoch)
  }

  /// Parses `YYYY-MM-DD` exactly.
  public init?(iso text: some StringProtocol) {
    let utf8 = Array(text.utf8)
    guard utf8.count == 10, utf8[4] == UInt8(ascii: "-"), utf8[7] == UInt8(ascii: "-") else { return nil }
    func number(_ range: Range<Int>) -> Int? {
      var value = 0
      for byte in utf8[range] {
        guard byte >= 48, byte <= 57 else { return nil }
        value = value * 10 + Int(byte - 48)
      }
      return value
    }
    guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10) else { return nil }
    self.init(year: y, month: m, day: d)
  }

  /// Days since 1970-01-01.
  public var daysSinceEpoch: Int { CivilCalendar.days(year: year, month: month, day: day) }

  /// 1 = Monday ... 7 = Sunday (ISO 8601).
  public var isoWeekday: Int { CivilCalendar.isoWeekday(days: daysSinceEpoch) }

  /// 1...366.
  public var dayOfYear: Int { CivilCalendar.dayOfYear(days: daysSinceEpoch) }

  /// The Monday of this date's ISO week.
  public var mondayOfWeek: LocalDate { adding(days: 1 - isoWeekday) }

  public func adding(days: Int) -> LocalDate { LocalDate(daysSinceEpoch: daysSinceEpoch + days) }

  public var description: String {
    let y = String(year)
    let yy = year >= 0 && year < 1000 ? String(repeating: "0", count: 4 - y.count) + y : y
    return yy + "-" + (month < 10 ? "0" : "") + String(month) + "-" + (day < 10 ? "0" : "") + String(day)
  }

  public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool { lhs.daysSinceEpoch < rhs.daysSinceEpoch }

  public static func isLeap(_ year: Int) -> Bool { CivilCalendar.isLeap(year) }

  public static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: return isLeap(year) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  // MARK: - Codable as an ISO string

  public init(from decoder: Decoder) throws {
    let container = try decoder.singleValueContainer()
    let text = try container.decode(String.self)
    guard let date = LocalDate(iso: text) else {
      throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a YYYY-MM-DD date: \(text)")
    }
    self = date
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }
}
