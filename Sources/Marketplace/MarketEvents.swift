import Foundation
import Postgres

/// The events a seeded market plants (`MarketShape.events`) and the calendar that describes them
/// (`pricing seed --calendar-out`, the format of `fit.events_file`, docs/model.md).
///
/// Every year, per country: a Christmas period (24 December to 1 January) with a ten-day pre-holiday
/// lead-in, the school summer break (July-August in the north, late December to January in Australia),
/// a filing deadline window (the three weeks up to the country's tax deadline) and Easter (Good Friday to
/// Easter Monday). Effects are per category on the log scale (`effect(of:category:lead:)`).
public enum MarketEvents {
  /// One window of one event in one country: days `first...last`, preceded by `leadIn` days of lead-in.
  public struct Window: Sendable, Equatable {
    public var name: String
    public var country: String
    public var first: LocalDate
    public var last: LocalDate
    public var leadIn: Int
  }

  static func date(_ year: Int, _ month: Int, _ day: Int) -> LocalDate {
    LocalDate(year: year, month: month, day: day)!
  }

  /// Easter Sunday of a Gregorian year (the anonymous Gregorian algorithm, Meeus/Jones/Butcher).
  static func easterSunday(_ year: Int) -> LocalDate {
    let a = year % 19
    let b = year / 100
    let c = year % 100
    let d = b / 4
    let e = b % 4
    let f = (b + 8) / 25
    let g = (b - f + 1) / 3
    let h = (19 * a + b - d - g + 15) % 30
    let i = c / 4
    let k = c % 4
    let l = (32 + 2 * e + 2 * i - h - k) % 7
    let m = (a + 11 * h + 22 * l) / 451
    let month = (h + l - 7 * m + 114) / 31
    let day = (h + l - 7 * m + 114) % 31 + 1
    return date(year, month, day)
  }

  /// The country's tax filing deadline (month, day).
  static let taxDeadlines: [String: (Int, Int)] = [
    "US": (4, 15), "GB": (1, 31), "DE": (7, 31), "AT": (4, 30), "CH": (3, 31), "AU": (10, 31),
  ]

  /// School summer breaks (first month/day, last month/day; a break crossing New Year ends the next year).
  static let summerBreaks: [String: ((Int, Int), (Int, Int))] = [
    "US": ((6, 20), (8, 25)), "GB": ((7, 22), (9, 2)), "DE": ((7, 18), (8, 30)), "AT": ((7, 1), (9, 5)),
    "CH": ((7, 6), (8, 14)), "AU": ((12, 18), (1, 28)),
  ]

  /// The windows of `countries` for events starting in `years`, sorted by name, country and first day.
  public static func windows(countries: [String], years: ClosedRange<Int>) -> [Window] {
    var result: [Window] = []
    for country in Set(countries).sorted() {
      for year in years {
        result.append(
          Window(name: "christmas_period", country: country, first: date(year, 12, 24), last: date(year + 1, 1, 1),
                 leadIn: 10))
        if let ((m1, d1), (m2, d2)) = summerBreaks[country] {
          let first = date(year, m1, d1)
          let last = date(m2 < m1 ? year + 1 : year, m2, d2)
          result.append(Window(name: "summer_break", country: country, first: first, last: last, leadIn: 0))
        }
        if let (month, day) = taxDeadlines[country] {
          let deadline = date(year, month, day)
          result.append(
            Window(name: "tax_deadline", country: country, first: deadline.adding(days: -20), last: deadline, leadIn: 0))
        }
        let easter = easterSunday(year)
        result.append(
          Window(name: "easter", country: country, first: easter.adding(days: -2), last: easter.adding(days: 1),
                 leadIn: 0))
      }
    }
    return result.sorted {
      ($0.name, $0.country, $0.first.daysSinceEpoch) < ($1.name, $1.country, $1.first.daysSinceEpoch)
    }
  }

  /// The events planted, by name.
  public static let names = ["christmas_period", "summer_break", "tax_deadline", "easter"]

  /// The planted log effect of an event on a category, in the window or (`lead`) in its lead-in.
  public static func effect(of event: String, category: String, lead: Bool) -> Double {
    switch (event, lead) {
    case ("christmas_period", false): return category == "cleaning" ? -0.2 : category == "tutoring" ? -0.9 : -0.5
    case ("christmas_period", true): return category == "cleaning" ? 0.45 : category == "hvac" ? 0.15 : 0
    case ("summer_break", false): return category == "tutoring" ? -0.6 : category == "moving" ? 0.3 : 0
    case ("tax_deadline", false): return category == "tax_consulting" ? 0.9 : 0
    case ("easter", false): return category == "gardening" ? 0.15 : -0.3
    default: return 0
    }
  }

  /// The calendar CSV (`fit.events_file`): header `name,country,city,first_day,last_day,lead_in_days`.
  public static func csv(_ windows: [Window]) -> String {
    var text = "name,country,city,first_day,last_day,lead_in_days\n"
    for window in windows {
      text += "\(window.name),\(window.country),,\(window.first),\(window.last),\(window.leadIn)\n"
    }
    return text
  }

  /// Per country, the planted log effect of every event on each day of [first, last] for a category
  /// (the sum when windows overlap): `effects[country][category][day - first]`.
  static func dailyEffects(
    windows: [Window], categories: [String], first: Int, last: Int
  ) -> [String: [[Double]]] {
    var result: [String: [[Double]]] = [:]
    let days = last - first + 1
    for window in windows {
      var table = result[window.country] ?? Array(repeating: Array(repeating: 0, count: days), count: categories.count)
      for (index, category) in categories.enumerated() {
        let inside = effect(of: window.name, category: category, lead: false)
        let before = effect(of: window.name, category: category, lead: true)
        for day in (window.first.daysSinceEpoch - window.leadIn)...window.last.daysSinceEpoch {
          let offset = day - first
          guard offset >= 0, offset < days else { continue }
          table[index][offset] += day < window.first.daysSinceEpoch ? before : inside
        }
      }
      result[window.country] = table
    }
    return result
  }
}
