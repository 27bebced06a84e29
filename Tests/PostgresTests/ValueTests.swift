import Foundation
import Postgres
import Testing

@Suite("Values: dates, timestamps, COPY text encoding")
struct ValueTests {
  @Test("LocalDate converts to and from day numbers", arguments: [
    ("1970-01-01", 0, 4), ("2000-02-29", 11016, 2), ("2024-12-30", 20087, 1), ("1969-12-31", -1, 3),
  ])
  func dayNumbers(text: String, days: Int, weekday: Int) {
    let date = LocalDate(iso: text)!
    #expect(date.daysSinceEpoch == days)
    #expect(LocalDate(daysSinceEpoch: days) == date)
    #expect(date.description == text)
    #expect(date.isoWeekday == weekday)
  }

  @Test("impossible dates are refused", arguments: ["2023-02-29", "2024-13-01", "2024-1-01", "20240101", "2024-04-31"])
  func impossibleDates(text: String) {
    #expect(LocalDate(iso: text) == nil)
  }

  @Test("day of year and Monday of the week")
  func calendarHelpers() {
    #expect(LocalDate(iso: "2024-12-31")!.dayOfYear == 366)
    #expect(LocalDate(iso: "2026-11-26")!.mondayOfWeek == LocalDate(iso: "2026-11-23")!)
  }

  @Test("timestamps parse the server's spellings", arguments: [
    ("2024-03-31 01:30:00+00", 1_711_848_600.0),
    ("2024-03-31 03:30:00+02", 1_711_848_600.0),
    ("2024-03-31 01:30:00.5+00", 1_711_848_600.5),
    ("2024-03-30 20:00:00-05:30", 1_711_848_600.0),
    ("2024-03-31T01:30:00Z", 1_711_848_600.0),
  ])
  func timestampParsing(text: String, epoch: Double) {
    #expect(PostgresTimestamp.parse(text)?.timeIntervalSince1970 == epoch)
  }

  @Test("non-timestamps are refused", arguments: ["infinity", "2024-03-31", "2024-03-31 25:00:00+00", "garbage"])
  func timestampRefusals(text: String) {
    #expect(PostgresTimestamp.parse(text) == nil)
  }

  @Test("COPY text encoding escapes what it must")
  func copyTextEncoding() {
    var encoder = CopyTextEncoder()
    encoder.field("a\tb\\c\nd\re")
    encoder.field(nil)
    encoder.integer(-1_234_567)
    encoder.integer(0)
    encoder.cents(123_456)
    encoder.cents(-5)
    encoder.timestamp(epochSeconds: 1_711_848_600)
    encoder.date(LocalDate(iso: "2024-02-29")!)
    encoder.endRow()
    #expect(
      String(decoding: encoder.bytes, as: UTF8.self)
        == "a\\tb\\\\c\\nd\\re\t\\N\t-1234567\t0\t1234.56\t-0.05\t2024-03-31 01:30:00+00\t2024-02-29\n")
  }
}
