import Postgres
import PricingModel
import Warehouse

/// What `pricing fit` is asked to do.
public struct FitOptions: Sendable {
  public var warehouseConninfo: String
  public var schema: WarehouseSchema
  /// The first day priced; the model sees data strictly before it.
  public var asOf: LocalDate
  public var policy: PolicyConfig
  public var model: DemandModelConfig
  /// (country, date) pairs of public holidays, from a calendar file; empty: no holiday effect.
  public var holidays: [(country: String, date: LocalDate)]
  /// The event calendar (windows, lead-ins); empty: no event effects.
  public var events: EventCalendar = .empty
  /// Where the calendar came from (for messages), "" when none.
  public var eventsFile = ""
  /// Writes every history cell with its predictions here as CSV (`pricing fit --cells-out`), when set.
  public var cellsOut: String?
  /// The exit status a failure is recorded with in `runs` (the command's own; 70 when not told).
  public var exitCode: @Sendable (Error) -> Int32

  public init(
    warehouseConninfo: String, schema: WarehouseSchema, asOf: LocalDate, policy: PolicyConfig = PolicyConfig(),
    model: DemandModelConfig = DemandModelConfig(), holidays: [(country: String, date: LocalDate)] = [],
    exitCode: @escaping @Sendable (Error) -> Int32 = { _ in 70 }
  ) {
    self.exitCode = exitCode
    self.warehouseConninfo = warehouseConninfo
    self.schema = schema
    self.asOf = asOf
    self.policy = policy
    self.model = model
    self.holidays = holidays
  }
}

/// The result of a fit, as `pricing fit` prints it.
public struct FitOutcome: Sendable {
  public var runID: Int64
  public var status: String
  public var reasons: [String]
  public var metrics: ValidationSummary
  public var candidates: Int
  public var timings: [String: Double]
}

/// Holdout validation of the model against the seasonal-naive baseline (stored in `model_runs.metrics`).
public struct ValidationSummary: Sendable, Codable {
  public var holdout_start: String
  public var holdout_end: String
  public var cells: Int
  public var model: HoldoutMetrics
  public var baseline: HoldoutMetrics
  public var calibration_by_category: [String: Double]
  public var calibration_by_city: [String: Double]
  public var booking_regret: Double?
  public var quotes: QuoteMetrics?
  public var pearson_dispersion: Double
  /// Actual, predicted and baseline bookings per held-out week (absent in runs before it was added).
  public var by_week: [WeeklyHoldout]?
  /// The second baseline: the same week last year scaled by the recent level (nil: under a year of history).
  public var baseline_last_year: HoldoutMetrics?
  /// Prediction interval coverage on the holdout.
  public var intervals: IntervalCoverage?
  /// The structure fitted, its rolling-origin backtests, and why terms were dropped.
  public var structure: String?
  public var backtests: [BacktestScore]?
  public var structure_notes: [String]?
  /// Sold-out cells fitted as censored in the final fit (0: capacity does not bind).
  public var censored_cells: Int?
  /// The event calendar's last day, and a warning when the history or horizon runs past it.
  public var calendar_end: String?
  public var calendar_warning: String?
  /// What the table's exploration did (nil in runs before it existed), and how the elasticities were
  /// identified (`ElasticityIdentification`; with `pipeline_days` days priced by published tables in the data).
  public var exploration: PriceExploration.Summary?
  public var elasticity_identification: String?
  public var pipeline_days: Int?
}
