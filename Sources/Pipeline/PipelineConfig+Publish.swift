import Publish

extension PipelineConfig {
  /// The `[publish]` section as the publisher's settings (`pricing run`, `pricing publish`).
  public var publisherSettings: Publisher.Settings {
    var settings = Publisher.Settings()
    settings.retentionDays = retentionDays
    settings.maxShareBeyondDailyLimit = maxShareBeyondDailyLimit
    settings.maxMeanAbsoluteChange = maxMeanAbsoluteChange
    settings.pauseRatio = publishPauseRatio
    return settings
  }
}
