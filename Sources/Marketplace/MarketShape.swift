import Foundation
import Postgres

/// The shape of a seeded market's demand beyond the catalog's (`pricing seed --preset`): which of the
/// structures real service markets have are planted (docs/synthetic-marketplace.md).
///
/// `classic` is the original market: one weekday profile for all categories, two-harmonic seasons, no
/// events, no trend, unbounded capacity, Poisson counts. Every other preset adds structure the demand model
/// must find from data; `MarketShape.presets` lists them.
public struct MarketShape: Sendable, Equatable {
  public var name: String
  /// Each category follows its own weekday profile (`MarketplaceCatalog.categoryWeekdayEffects`) instead
  /// of the shared one.
  public var categoryWeekday: Bool
  /// Plants the events of `MarketEvents` (holiday periods, pre-holiday rushes, filing deadlines, Easter).
  public var events: Bool
  /// log growth of demand per year, centred on the snapshot day (0: flat).
  public var trendPerYear: Double
  /// Bookings of a cell and day cannot exceed its providers' slots (weekly capacity / 7, rounded, at least
  /// one): the demand above is lost (censored); the truth keeps the uncensored demand. `--bookings` is then
  /// the demand; fewer are booked.
  public var capacityBound: Bool
  /// Added to every category's base: with a bound capacity, demand then exceeds the slots on busy days.
  public var baseShift: Double
  /// Southern-hemisphere cities' capacity is multiplied by this (their share of the market).
  public var southernWeight: Double
  /// Day-to-day demand noise: lambda is multiplied by a log-normal factor of this log standard deviation
  /// (mean 1), so counts are overdispersed like real ones (0: Poisson).
  public var dailyNoise: Double
  /// Every booking of the history was made at list price (no randomised daily multipliers): nothing in the
  /// history identifies the elasticities, as on a marketplace that never varied its prices.
  public var listPriceHistory = false

  public static let classic = MarketShape(
    name: "classic", categoryWeekday: false, events: false, trendPerYear: 0, capacityBound: false, baseShift: 0,
    southernWeight: 1, dailyNoise: 0)

  /// Category weekday profiles, events, a growing market and overdispersed counts.
  public static let seasonal = MarketShape(
    name: "seasonal", categoryWeekday: true, events: true, trendPerYear: 0.18, capacityBound: false, baseShift: 0,
    southernWeight: 1, dailyNoise: 0.15)

  /// `seasonal` with most of the demand in the southern hemisphere (Sydney and Melbourne weigh 8x).
  public static let southern = MarketShape(
    name: "southern", categoryWeekday: true, events: true, trendPerYear: 0.10, capacityBound: false, baseShift: 0,
    southernWeight: 8, dailyNoise: 0.15)

  /// `seasonal` where providers' slots run out: bookings are a lower bound of demand on busy days.
  public static let capacity = MarketShape(
    name: "capacity", categoryWeekday: true, events: true, trendPerYear: 0.12, capacityBound: true, baseShift: 0.3,
    southernWeight: 1, dailyNoise: 0.15)

  /// `seasonal` whose history is at list prices only: the elasticities must be learned from the pipeline's
  /// own prices (`pricing simulate`, docs/model.md "Learning while pricing").
  public static let listPrice = MarketShape(
    name: "list-price", categoryWeekday: true, events: true, trendPerYear: 0.10, capacityBound: false, baseShift: 0,
    southernWeight: 1, dailyNoise: 0.15, listPriceHistory: true)

  public static let presets: [MarketShape] = [.classic, .seasonal, .southern, .capacity, .listPrice]

  public static func preset(named name: String) -> MarketShape? { presets.first { $0.name == name } }
}
