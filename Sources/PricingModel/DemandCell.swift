import CivilCalendar
import Foundation

/// One unit of observation of the demand model: a category x city x local date.
///
/// `bookings` are the bookings made for slots that day (all statuses: demand, not fulfilment); `capacity`
/// the bookable slots of active providers that day (the exposure); `logPriceRatio` the mean log of
/// charged / list price (from bookings, else from the prices shown in quotes; nil when neither exists).
public struct DemandCell: Sendable, Equatable {
  public var category: String
  public var city: String
  public var date: CalendarDay
  public var bookings: Double
  public var capacity: Double
  public var meanExperience: Double
  public var logPriceRatio: Double?
  public var southern: Bool
  public var holiday: Bool
  /// The event-calendar groups in force (`EventCalendar.groups`): event names, `name:lead` in lead-ins.
  public var events: [String]
  /// A day priced by a published table: the log of the exploration factor that table set for the cell (0
  /// when it did not explore it). Nil for a day no published table priced (history before the pipeline's
  /// prices).
  public var logExploration: Double?
  /// That table's own log price for the cell (the mean over its bands, without the exploration factor): the
  /// policy's part of a price no booking or quote observed.
  public var logPlannedPrice: Double?

  public init(
    category: String, city: String, date: CalendarDay, bookings: Double, capacity: Double, meanExperience: Double,
    logPriceRatio: Double?, southern: Bool, holiday: Bool = false, events: [String] = [], logExploration: Double? = nil,
    logPlannedPrice: Double? = nil
  ) {
    self.events = events
    self.logExploration = logExploration
    self.logPlannedPrice = logPlannedPrice
    self.category = category
    self.city = city
    self.date = date
    self.bookings = bookings
    self.capacity = capacity
    self.meanExperience = meanExperience
    self.logPriceRatio = logPriceRatio
    self.southern = southern
    self.holiday = holiday
  }
}

extension DemandCell {
  /// A day priced by a published table: the policy's part of its price (the observed log price ratio
  /// without the exploration factor; the table's planned price where no booking or quote observed one).
  public var logPipelinePrice: Double? {
    guard let explored = logExploration else { return nil }
    return logPriceRatio.map { $0 - explored } ?? logPlannedPrice ?? 0
  }

  /// The bookings the cell's providers can take that day: its capacity (weekly slots / 7) rounded, at least
  /// one when it has any.
  public var slots: Double { capacity > 0 ? max(1, capacity.rounded()) : 0 }

  /// Whether the day sold out (bookings reached the slots): its bookings are a lower bound of demand.
  public var soldOut: Bool { slots >= 1 && bookings >= slots }
}

/// A calendar date as the model needs it (no database types in this module): day number since 1970,
/// ISO weekday and day of year.
public struct CalendarDay: Hashable, Comparable, Sendable, CustomStringConvertible {
  public let daysSinceEpoch: Int
  public init(daysSinceEpoch: Int) { self.daysSinceEpoch = daysSinceEpoch }

  /// 1 = Monday ... 7 = Sunday.
  public var isoWeekday: Int { CivilCalendar.isoWeekday(days: daysSinceEpoch) }

  public var civil: (year: Int, month: Int, day: Int) { CivilCalendar.civil(days: daysSinceEpoch) }

  /// 1...366.
  public var dayOfYear: Int { CivilCalendar.dayOfYear(days: daysSinceEpoch) }

  public func adding(days: Int) -> CalendarDay { CalendarDay(daysSinceEpoch: daysSinceEpoch + days) }

  public var description: String {
    let (y, m, d) = civil
    return String(format: "%04d-%02d-%02d", y, m, d)
  }

  public static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool { lhs.daysSinceEpoch < rhs.daysSinceEpoch }
}
