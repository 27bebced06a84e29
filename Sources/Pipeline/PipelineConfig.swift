import Fitting
import Foundation
import Postgres
import PricingModel
import Reports
import Warehouse

/// Every setting of `pricing run` with its default (docs/operations.md lists them; `data/pricing.toml`
/// is a commented example). Sources, later ones winning: the defaults, the configuration file
/// (`--config` or `$PRICING_CONFIG`), `PRICING_<SECTION>_<KEY>` environment variables, command-line
/// flags. `validate()` checks every range; any problem is a `PipelineError.configuration` naming the
/// setting (exit 78).
public struct PipelineConfig: Sendable {
  // MARK: - [database]
  /// libpq conninfo or URI of the booking database ("" = the PG* environment).
  public var source = ""
  /// Of the warehouse ("" = the source's).
  public var warehouse = ""
  public var schema = WarehouseSchema.defaultName
  public var sourceSchema = "public"

  // MARK: - [ingest]
  public var overlapMinutes = 60
  /// Every run reloads everything (normally a weekly cron line passes `--full-ingest` instead).
  public var fullIngest = false

  // MARK: - [fit]
  /// Holiday calendar CSV (country,date,name); "" = no holiday effect.
  public var holidaysFile = ""
  /// Event calendar CSV (name,country,city,first_day,last_day,lead_in_days); "" = no event effects.
  public var eventsFile = ""

  // MARK: - [publish]
  public var retentionDays = 90
  public var maxShareBeyondDailyLimit = 0.0
  public var maxMeanAbsoluteChange = 0.05
  /// While other sessions are busy, pause this many times as long as each guardrail query took (0: never).
  public var publishPauseRatio = 2.0
  /// The `impact` guardrail's limits: expected GMV loss against flat or current prices, and expected drop
  /// of bookings against current prices (fractions, per currency).
  public var impactMaxGMVLoss = 0.005
  public var impactMaxBookingsDrop = 0.25

  // MARK: - [report]
  /// The report folder; "" = no report step.
  public var reportDirectory = "report"
  public var reportDays = ReportPeriod.defaultDays
  /// The attention thresholds and the archive.
  public var report = ReportSettings()

  // MARK: - [retry]
  public var retryMaxAttempts = 5
  public var retryInitialDelaySeconds = 1.0
  public var retryMaxDelaySeconds = 30.0
  public var retryMaxTotalSeconds = 300.0

  // MARK: - [run]
  /// `pricing run` stops cleanly past this many seconds (recorded, lock released, exit 75).
  public var runDeadlineSeconds = 7200.0

  // MARK: - [status]
  public var statusMaxAgeHours = 36.0

  // MARK: - [log]
  public var logFormat = "text"
  public var logLevel = "info"

  // MARK: - [policy] and [model] (the policy file's keys, docs/model.md)
  public var policy = PolicyConfig()
  public var model = DemandModelConfig()

  /// Where each setting that is not a default came from: `FILE:LINE`, `PRICING_...` or `--flag`.
  public internal(set) var origins: [String: String] = [:]

  public init() {}

  /// The warehouse conninfo actually used.
  public var warehouseConninfo: String { warehouse.isEmpty ? source : warehouse }

  public var retryPolicy: RetryPolicy {
    RetryPolicy(
      maxAttempts: retryMaxAttempts, initialDelay: retryInitialDelaySeconds, maxDelay: retryMaxDelaySeconds,
      maxTotal: retryMaxTotalSeconds)
  }
}
