import Publish
import PricingModel

extension PipelineConfig {
  /// The `[publish]` section as the publisher's settings (`pricing run`, `pricing publish`).
  public var publisherSettings: Publisher.Settings {
    var settings = Publisher.Settings()
    settings.retentionDays = retentionDays
    settings.maxShareBeyondDailyLimit = maxShareBeyondDailyLimit
    settings.maxMeanAbsoluteChange = maxMeanAbsoluteChange
    settings.pauseRatio = publishPauseRatio
    settings.impactMaxGMVLoss = impactMaxGMVLoss
    settings.impactMaxBookingsDrop = impactMaxBookingsDrop
    settings.bounds = policy.min_multiplier...max(policy.min_multiplier, policy.max_multiplier)
    return settings
  }
}
