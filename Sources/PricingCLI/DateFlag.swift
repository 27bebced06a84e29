import ArgumentParser
import Postgres

/// A date given on the command line: `YYYY-MM-DD`, between 1900-01-01 and 2999-12-31 (a date the
/// warehouse's `date` and every horizon after it can hold; a typo such as 9999-12-31 is caught here
/// instead of deep in a query).
enum DateFlag {
  static let earliest = LocalDate(iso: "1900-01-01")!
  static let latest = LocalDate(iso: "2999-12-31")!

  static func parse(_ text: String, flag: String) throws -> LocalDate {
    guard let date = LocalDate(iso: text) else { throw ValidationError("\(flag) must be a date YYYY-MM-DD") }
    guard date >= earliest && date <= latest else {
      throw ValidationError("\(flag) must be between \(earliest) and \(latest)")
    }
    return date
  }
}
