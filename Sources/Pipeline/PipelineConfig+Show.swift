import Fitting
import Foundation
import Postgres
import PricingModel

extension PipelineConfig {
  /// One effective setting: its name (`section.key`), its value as the file would spell it, and where it
  /// came from (`default`, `FILE:LINE`, `PRICING_...`, `--flag`).
  public struct EffectiveSetting: Sendable, Equatable, Encodable {
    public var name: String
    /// As the file spells it: a quoted string, a number, `true` or `false`.
    public var value: String
    public var origin: String

    enum CodingKeys: String, CodingKey { case name, value, origin }

    /// JSON with the value typed: a string without its quotes, a number, a boolean.
    public func encode(to encoder: Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(name, forKey: .name)
      try container.encode(origin, forKey: .origin)
      if value.hasPrefix("\""), let text = ConfigFileParser.unescape(String(value.dropFirst().dropLast())) {
        try container.encode(text, forKey: .value)
      } else if value == "true" || value == "false" {
        try container.encode(value == "true", forKey: .value)
      } else if let whole = Int64(value) {
        try container.encode(whole, forKey: .value)
      } else {
        try container.encode(Double(value) ?? .nan, forKey: .value)
      }
    }
  }

  /// Every setting with its effective value and origin, in the file's order (`pricing config show`).
  /// Connection strings are shown with any password masked.
  public var effectiveSettings: [EffectiveSetting] {
    func text(_ value: String) -> String { "\"" + value.replacingOccurrences(of: "\\", with: "\\\\")
      .replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
    func number(_ value: Double) -> String { Setting.format(value) }
    let values: [(String, String)] = [
      ("database.source", text(Connection.masked(source))),
      ("database.warehouse", text(Connection.masked(warehouse))),
      ("database.schema", text(schema)),
      ("database.source_schema", text(sourceSchema)),
      ("ingest.overlap_minutes", String(overlapMinutes)),
      ("ingest.full", String(fullIngest)),
      ("fit.holidays_file", text(holidaysFile)),
      ("fit.events_file", text(eventsFile)),
      ("publish.retention_days", String(retentionDays)),
      ("publish.max_share_beyond_daily_limit", number(maxShareBeyondDailyLimit)),
      ("publish.max_mean_absolute_change", number(maxMeanAbsoluteChange)),
      ("publish.pause_ratio", number(publishPauseRatio)),
      ("publish.impact_max_gmv_loss", number(impactMaxGMVLoss)),
      ("publish.impact_max_bookings_drop", number(impactMaxBookingsDrop)),
      ("report.dir", text(reportDirectory)),
      ("report.days", String(reportDays)),
      ("report.archive", String(report.archive)),
      ("report.keep_days", String(report.keepDays)),
      ("report.attention_floor_share", number(report.floorShare)),
      ("report.attention_quarantine_rows", String(report.quarantineSpikeRows)),
      ("report.attention_ingest_age_hours", number(report.maxIngestAgeHours)),
      ("report.attention_calendar_days", String(report.calendarWarningDays)),
      ("retry.max_attempts", String(retryMaxAttempts)),
      ("retry.initial_delay_seconds", number(retryInitialDelaySeconds)),
      ("retry.max_delay_seconds", number(retryMaxDelaySeconds)),
      ("retry.max_total_seconds", number(retryMaxTotalSeconds)),
      ("run.deadline_seconds", number(runDeadlineSeconds)),
      ("status.max_age_hours", number(statusMaxAgeHours)),
      ("log.format", text(logFormat)),
      ("log.level", text(logLevel)),
      ("policy.objective", text(policy.objective.rawValue)),
      ("policy.target_utilisation", number(policy.target_utilisation)),
      ("policy.max_utilisation", policy.max_utilisation.map(number) ?? text("off")),
      ("policy.min_volume_ratio", number(policy.min_volume_ratio)),
      ("policy.elasticity_margin", number(policy.elasticity_margin)),
      ("policy.min_multiplier", number(policy.min_multiplier)),
      ("policy.max_multiplier", number(policy.max_multiplier)),
      ("policy.max_daily_change", number(policy.max_daily_change)),
      ("policy.smoothing_days", String(policy.smoothing_days)),
      ("policy.min_history_bookings", number(policy.min_history_bookings)),
      ("policy.horizon_days", String(policy.horizon_days)),
      ("policy.holdout_days", String(policy.holdout_days)),
      ("policy.baseline_weeks", String(policy.baseline_weeks)),
      ("policy.history_days", String(policy.history_days)),
      ("policy.prior_confidence", number(policy.prior_confidence)),
      ("explore.share", number(policy.explore.share)),
      ("explore.max_perturbation", policy.explore.max_perturbation.map(number) ?? text("default")),
      ("explore.max_cost", number(policy.explore.max_cost)),
      ("explore.seed", String(policy.explore.seed)),
      ("model.interaction_l2", number(model.interactionL2)),
      ("model.overdispersion_threshold", number(model.overdispersionThreshold)),
      ("model.elasticity_lower", number(model.elasticityLower)),
      ("model.elasticity_upper", number(model.elasticityUpper)),
      ("model.elasticity_prior", number(model.elasticityPrior)),
      ("model.max_iterations", String(model.maxIterations)),
      ("model.season_harmonics", String(model.structure.seasonHarmonics)),
      ("model.backtest_folds", String(model.backtestFolds)),
      ("model.select_structure", String(model.selectStructure)),
      ("model.censor_sold_out", String(model.censorSoldOut)),
      ("model.elasticity_identification", text(model.elasticityIdentification.rawValue)),
      ("model.elasticity_max_se", number(model.elasticityMaxStdError)),
    ]
    return values.map { EffectiveSetting(name: $0.0, value: $0.1, origin: origins[$0.0] ?? "default") }
  }
}
