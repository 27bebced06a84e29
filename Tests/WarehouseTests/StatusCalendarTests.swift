import Postgres
import Testing
import Warehouse

@Suite("The holiday calendar as status judges it")
struct StatusCalendarTests {
  @Test("a calendar ending before the horizon, an empty one and an unreadable one are problems; a long one is not")
  func problems() {
    let today = LocalDate(iso: "2026-12-07")!
    func calendar(_ last: String?, error: String? = nil) -> StatusReport.Calendar {
      StatusReport.Calendar(file: "data/holidays.csv", lastDay: last.flatMap(LocalDate.init(iso:)), error: error, horizonDays: 28)
    }
    #expect(calendar("2027-01-03").problem(today: today) == nil)
    #expect(
      calendar("2026-12-28").problem(today: today)
        == "the holiday calendar data/holidays.csv ends on 2026-12-28, before the horizon's last day 2027-01-03: regenerate it (jobs/make-holidays)"
    )
    #expect(calendar(nil).problem(today: today) == "the holiday calendar data/holidays.csv holds no dates")
    #expect(calendar(nil, error: "x: cannot open").problem(today: today) == "the holiday calendar cannot be read: x: cannot open")
  }
}
