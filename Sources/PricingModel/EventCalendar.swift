/// An event calendar with windows (`fit.events_file`, docs/model.md): named events in a country (or one
/// city of it), each from its first to its last day, optionally preceded by lead-in days (a pre-holiday
/// rush). The demand model gives each event, and separately its lead-in, an effect per category.
public struct EventCalendar: Sendable, Equatable {
  /// One window, validated (first <= last, lead-in >= 0).
  public struct Window: Sendable, Equatable {
    public var name: String
    public var country: String
    /// nil: the whole country.
    public var city: String?
    public var first: CalendarDay
    public var last: CalendarDay
    public var leadIn: Int

    public init(name: String, country: String, city: String?, first: CalendarDay, last: CalendarDay, leadIn: Int) {
      self.name = name
      self.country = country
      self.city = city
      self.first = first
      self.last = last
      self.leadIn = leadIn
    }
  }

  public let windows: [Window]
  /// (country or "country|city", day) -> the event groups on that day.
  private let byPlaceAndDay: [String: [Int: [String]]]

  /// Windows whose first day (less their lead-in) is after their last are ignored (the calendar file
  /// refuses them, `EventCalendarFile`).
  public init(windows: [Window]) {
    self.windows = windows
    var table: [String: [Int: [String]]] = [:]
    for window in windows where window.first.adding(days: -max(0, window.leadIn)) <= window.last {
      let place = window.city.map { "\(window.country)|\($0)" } ?? window.country
      for day in (window.first.daysSinceEpoch - max(0, window.leadIn))...window.last.daysSinceEpoch {
        let group = day < window.first.daysSinceEpoch ? Self.leadGroup(window.name) : window.name
        table[place, default: [:]][day, default: []].append(group)
      }
    }
    byPlaceAndDay = table
  }

  public static let empty = EventCalendar(windows: [])

  /// The group of an event's lead-in days.
  public static func leadGroup(_ name: String) -> String { "\(name):lead" }

  /// The last day the calendar covers (nil when it has no windows).
  public var lastDay: CalendarDay? { windows.map(\.last).max() }
  public var firstDay: CalendarDay? { windows.map { $0.first.adding(days: -$0.leadIn) }.min() }

  /// The event groups (names, and `name:lead` for lead-in days) in force for a city of a country on a day,
  /// sorted, without duplicates.
  public func groups(country: String, city: String, on date: CalendarDay) -> [String] {
    let national = byPlaceAndDay[country]?[date.daysSinceEpoch] ?? []
    let local = byPlaceAndDay["\(country)|\(city)"]?[date.daysSinceEpoch] ?? []
    if local.isEmpty && national.count <= 1 { return national }
    return Array(Set(national + local)).sorted()
  }
}
