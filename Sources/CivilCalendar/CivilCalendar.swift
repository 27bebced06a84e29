/// Day-number arithmetic on the proleptic Gregorian calendar, shared by the database layer's `LocalDate`
/// and the model's `CalendarDay` (which must not depend on the database layer).
///
/// Algorithms: H. Hinnant, "chrono-compatible low-level date algorithms" (`days_from_civil`,
/// `civil_from_days`); day 0 is 1970-01-01, a Thursday.
public enum CivilCalendar {
  /// Days since 1970-01-01 of a civil date (any valid year, month 1...12, day 1...31).
  public static func days(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = month > 2 ? month - 3 : month + 9
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }

  /// The civil date of a day number.
  public static func civil(days: Int) -> (year: Int, month: Int, day: Int) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
  }

  /// 1 = Monday ... 7 = Sunday (ISO 8601).
  public static func isoWeekday(days: Int) -> Int { ((days % 7 + 7) % 7 + 3) % 7 + 1 }

  /// 1...366.
  public static func dayOfYear(days: Int) -> Int {
    let year = civil(days: days).year
    return days - Self.days(year: year, month: 1, day: 1) + 1
  }

  public static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }
}
