import Foundation
@testable import Fitting
import Postgres
import PricingModel
import TestSupport
import Testing

@Suite("The event calendar file: windows, lead-ins and bad input (no database)")
struct EventCalendarFileTests {
  static func file(_ text: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("events-\(UUID().uuidString).csv").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  static let header = "name,country,city,first_day,last_day,lead_in_days\n"

  @Test("windows and lead-ins become event groups per place and day")
  func groups() throws {
    let path = try Self.file(
      Self.header + "christmas_period,DE,,2026-12-24,2027-01-01,3\ncity_fair,DE,Köln,2026-12-31,2027-01-02,\n")
    let calendar = try EventCalendarFile.read(path: path)
    func day(_ iso: String) -> CalendarDay { CalendarDay(daysSinceEpoch: LocalDate(iso: iso)!.daysSinceEpoch) }
    #expect(day("2026-12-20").description == "2026-12-20")
    #expect(calendar.groups(country: "DE", city: "Berlin", on: day("2026-12-20")) == [])
    #expect(calendar.groups(country: "DE", city: "Berlin", on: day("2026-12-21")) == ["christmas_period:lead"])
    #expect(calendar.groups(country: "DE", city: "Berlin", on: day("2026-12-24")) == ["christmas_period"])
    #expect(calendar.groups(country: "DE", city: "Köln", on: day("2026-12-31")) == ["christmas_period", "city_fair"])
    #expect(calendar.groups(country: "DE", city: "Köln", on: day("2027-01-02")) == ["city_fair"])
    #expect(calendar.groups(country: "AT", city: "Wien", on: day("2026-12-24")) == [])
    #expect(calendar.lastDay?.description == "2027-01-02")
    #expect(calendar.firstDay?.description == "2026-12-21")
  }

  @Test(
    "bad input names FILE:LINE and what is wrong",
    arguments: [
      ("christmas_period,XX,,2026-12-24,2027-01-01,0\n", "2: unknown country \"XX\" (an ISO 3166-1 alpha-2 code)"),
      ("christmas_period,DE,,2027-01-01,2026-12-24,0\n",
       "2: the window is reversed: last_day 2026-12-24 is before first_day 2027-01-01"),
      ("christmas_period,DE,,2026-12-24,2026-12-32,0\n", "2: last_day \"2026-12-32\" is not a date YYYY-MM-DD"),
      ("christmas_period,DE,,24.12.2026,2027-01-01,0\n", "2: first_day \"24.12.2026\" is not a date YYYY-MM-DD"),
      ("summer,DE,,2026-07-01,2026-08-31,0\nsummer,DE,,2026-08-15,2026-09-10,0\n",
       "3: window 2026-08-15..2026-09-10 of summer overlaps 2026-07-01..2026-08-31 (line 2)"),
      ("Summer Break,DE,,2026-07-01,2026-08-31,0\n",
       "2: event name \"Summer Break\" must be lower-case letters, digits and underscores"),
      ("summer,DE,,2026-07-01,2026-08-31,-2\n", "2: lead_in_days \"-2\" must be a whole number from 0 to 90"),
      ("summer,DE,2026-07-01,2026-08-31\n", "2: expected 6 fields, found 4"),
    ])
  func badInput(line: String, message: String) throws {
    let path = try Self.file(Self.header + line)
    #expect(throws: FitError.self) { try EventCalendarFile.read(path: path) }
    do {
      _ = try EventCalendarFile.read(path: path)
    } catch let error as FitError {
      #expect(error.code == .configuration)
      #expect(error.message == "\(path):\(message)")
    }
  }

  @Test("the same name in two countries, or back to back, is not an overlap; a wrong header is refused")
  func notOverlapping() throws {
    let path = try Self.file(
      Self.header + "summer,DE,,2026-07-01,2026-08-31,0\nsummer,AT,,2026-07-01,2026-08-31,0\n"
        + "summer,DE,,2026-09-01,2026-09-02,0\n")
    #expect(try EventCalendarFile.read(path: path).windows.count == 3)
    let legacy = try Self.file("country,date,name\nDE,2026-12-25,Christmas\n")
    do {
      _ = try EventCalendarFile.read(path: legacy)
      Issue.record("a holiday file read as an event calendar")
    } catch let error as FitError {
      #expect(error.message == "\(legacy):1: the header must be name,country,city,first_day,last_day,lead_in_days")
    }
  }

  @Test("pricing fit with a bad event calendar exits 78 naming file:line, before any database")
  func commandLine() throws {
    let path = try Self.file(Self.header + "easter,DE,,2026-04-06,2026-04-03,0\n")
    let outcome = try PricingBinary.run(["fit", "--warehouse", "host=127.0.0.1 port=1", "--events", path, "--quiet"])
    #expect(outcome.status == 78)
    #expect(
      outcome.standardError
        == "pricing: error: config: fit.events_file: \(path):2: the window is reversed: last_day 2026-04-03 is before first_day 2026-04-06\n"
    )
  }

  @Test("the fit's calendar problems: none, an empty calendar, an early end, a country ending early, unknown cities")
  func calendarProblems() throws {
    func day(_ iso: String) -> CalendarDay { CalendarDay(daysSinceEpoch: LocalDate(iso: iso)!.daysSinceEpoch) }
    func window(_ country: String, _ city: String?, _ first: String, _ last: String) -> EventCalendar.Window {
      EventCalendar.Window(name: "fair", country: country, city: city, first: day(first), last: day(last), leadIn: 0)
    }
    let history = LocalDate(iso: "2025-01-01")!
    let horizon = LocalDate(iso: "2027-01-28")!
    func problems(_ windows: [EventCalendar.Window], file: String = "events.csv") -> [String] {
      FitRunner.calendarProblems(
        EventCalendar(windows: windows), file: file, historyStart: history, horizonEnd: horizon, cities: ["Berlin"])
    }
    #expect(problems([window("DE", nil, "2024-12-01", "2027-02-01")]).isEmpty)
    #expect(problems([], file: "").isEmpty)
    #expect(problems([]) == ["the event calendar events.csv holds no windows: no event effects are fitted"])
    #expect(
      problems([window("DE", nil, "2024-12-01", "2026-12-31")]) == [
        "the event calendar events.csv ends on 2026-12-31, before the horizon's last day 2027-01-28: later events are priced as ordinary days"
      ])
    #expect(
      problems([window("DE", nil, "2024-12-01", "2027-02-01"), window("AU", nil, "2025-02-01", "2026-06-01")]) == [
        "the event calendar events.csv has no window after the horizon's last day 2027-01-28 for AU: their later events are priced as ordinary days"
      ])
    #expect(
      problems([window("DE", nil, "2025-03-01", "2027-02-01"), window("DE", "Atlantis", "2025-03-01", "2025-03-02")]) == [
        "the event calendar events.csv starts on 2025-03-01, after the history's first day 2025-01-01: earlier events are fitted as ordinary days",
        "the event calendar events.csv names cities with no priced services: Atlantis: their windows have no effect",
      ])
  }

  @Test("--cells-out refuses a folder, a device, a symbolic link and a missing folder, naming why")
  func cellsOutDestination() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cells-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
    try "x".write(toFile: folder + "/real.csv", atomically: true, encoding: .utf8)
    try FileManager.default.createSymbolicLink(atPath: folder + "/link.csv", withDestinationPath: folder + "/real.csv")
    func reason(_ path: String) -> String? {
      do {
        try CellsFile.checkDestination(path)
        return nil
      } catch let error as FitError {
        return error.message
      } catch {
        return "\(error)"
      }
    }
    #expect(reason(folder + "/new.csv") == nil)
    #expect(reason(folder + "/real.csv") == nil)
    #expect(reason(folder) == "cannot write \(folder): it exists and is not a regular file")
    #expect(reason("/dev/null") == "cannot write /dev/null: it exists and is not a regular file")
    #expect(reason(folder + "/link.csv") == "cannot write \(folder)/link.csv: it exists and is not a regular file")
    #expect(reason(folder + "/none/x.csv") == "cannot write \(folder)/none/x.csv: no folder \(folder)/none")
    // The file is replaced whole: the old one stays until the new one is complete.
    #expect(try String(contentsOfFile: folder + "/real.csv", encoding: .utf8) == "x")
  }
}
