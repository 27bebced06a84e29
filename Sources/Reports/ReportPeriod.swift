import Postgres

/// The slot dates a report covers, both ends inclusive (`--from`, `--to`). Marketplace sections count
/// bookings whose slot's local date falls in it; pricing and data-quality sections show the current state.
public struct ReportPeriod: Sendable, Equatable, CustomStringConvertible {
  public let from: LocalDate
  public let to: LocalDate

  /// The default length when only `--to` (or nothing) is given: 13 weeks.
  public static let defaultDays = 91
  /// Longer periods are refused as a typo (about 30 years).
  public static let maximumDays = 11_000

  public init(from: LocalDate, to: LocalDate) throws {
    guard from <= to else {
      throw ReportError(code: .invalidPeriod, message: "report period: --from \(from) is after --to \(to)")
    }
    guard to.daysSinceEpoch - from.daysSinceEpoch < ReportPeriod.maximumDays else {
      throw ReportError(
        code: .invalidPeriod, message: "report period: \(from) to \(to) is longer than \(ReportPeriod.maximumDays) days"
      )
    }
    self.from = from
    self.to = to
  }

  /// `from` defaults to `defaultDays - 1` days before `to`; `to` defaults to `today`.
  public static func resolve(from: LocalDate?, to: LocalDate?, today: LocalDate) throws -> ReportPeriod {
    let end = to ?? today
    return try ReportPeriod(from: from ?? end.adding(days: 1 - defaultDays), to: end)
  }

  public var days: Int { to.daysSinceEpoch - from.daysSinceEpoch + 1 }

  public var description: String { "\(from) to \(to)" }
}

extension ReportPeriod {
  /// The Monday of the newest week (Monday to Sunday) lying wholly inside the period, or nil when the
  /// period holds no whole week. The summary compares this week with the one before and with the week 52
  /// weeks earlier (the same weekdays a year ago).
  public var lastCompleteWeek: LocalDate? {
    let monday = to.adding(days: 1).mondayOfWeek.adding(days: -7)
    return monday >= from ? monday : nil
  }

  /// Whether the week starting on `monday` reaches outside the period (its bookings are counted only in
  /// part): the first and last weeks of most periods.
  public func isPartial(weekStarting monday: LocalDate) -> Bool {
    monday < from || monday.adding(days: 6) > to
  }

  /// Whether the calendar month starting on `first` reaches outside the period.
  public func isPartial(monthStarting first: LocalDate) -> Bool {
    let last =
      LocalDate(
        year: first.year, month: first.month, day: LocalDate.daysIn(month: first.month, year: first.year)) ?? first
    return first < from || last > to
  }
}
