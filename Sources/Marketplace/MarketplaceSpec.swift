import Postgres

/// What to generate: how many bookings (about: the count is Poisson), from which seed, up to which day.
///
/// `today` is passed in (never read from the clock here) so that the same spec always gives the same
/// data. Slots span `historyDays` before `today` and `horizonDays` after it; future slots hold only the
/// bookings already made by `today` 06:00 UTC, the moment the snapshot is taken.
public struct MarketplaceSpec: Sendable {
  public var bookings: Int
  public var seed: UInt64
  public var today: LocalDate
  public var historyDays: Int
  public var horizonDays: Int
  /// Whether to plant the small share of faulty rows that exercise ingest validation and reconciliation.
  public var plantAnomalies: Bool
  /// Which structures the demand has beyond the catalog's (`MarketShape.presets`).
  public var shape: MarketShape

  public init(
    bookings: Int, seed: UInt64, today: LocalDate, historyDays: Int = 730, horizonDays: Int = 28,
    plantAnomalies: Bool = true, shape: MarketShape = .classic
  ) {
    self.shape = shape
    self.bookings = bookings
    self.seed = seed
    self.today = today
    self.historyDays = historyDays
    self.horizonDays = horizonDays
    self.plantAnomalies = plantAnomalies
  }

  public var firstSlotDate: LocalDate { today.adding(days: -historyDays) }
  public var lastSlotDate: LocalDate { today.adding(days: horizonDays) }
  /// The snapshot moment: `today` at 06:00 UTC, in seconds since 1970.
  public var snapshotEpochSeconds: Int64 { Int64(today.daysSinceEpoch) * 86_400 + 6 * 3600 }
}
