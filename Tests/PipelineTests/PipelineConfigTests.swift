import Foundation
import Pipeline
import Testing

@Suite("pricing run configuration: file, environment, validation")
struct PipelineConfigTests {
  func load(_ text: String, environment: [String: String] = [:]) throws -> PipelineConfig {
    var config = PipelineConfig()
    try config.apply(text: text, name: "pricing.toml")
    try config.apply(environment: environment)
    try config.validate()
    return config
  }

  func message(_ text: String, environment: [String: String] = [:]) -> String? {
    do {
      _ = try load(text, environment: environment)
      return nil
    } catch {
      return "\(error)"
    }
  }

  @Test("the example file in data/ holds every default")
  func exampleFile() throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("data/pricing.toml")
    var config = try PipelineConfig.load(file: url.path, environment: [:])
    let defaults = PipelineConfig()
    #expect(config.retryMaxAttempts == defaults.retryMaxAttempts)
    #expect(config.reportDays == defaults.reportDays)
    #expect(config.policy == defaults.policy)
    #expect(config.holidaysFile == "data/holidays.csv")
    config.holidaysFile = defaults.holidaysFile
    #expect(String(describing: config) == String(describing: defaults))
  }

  @Test("file values, then PRICING_<SECTION>_<KEY> variables, win over the defaults")
  func precedence() throws {
    let config = try load(
      """
      # nightly
      [database]
      warehouse = "dbname=wh"   # the warehouse
      [retry]
      max_attempts = 7
      [policy]
      max_multiplier = 1.8
      [publish]
      retention_days = 30
      """,
      environment: [
        "PRICING_RETRY_MAX_ATTEMPTS": "3", "PRICING_REPORT_DIR": "/srv/report", "PRICING_PG_DIR": "/x",
        "PRICING_PUBLISH_PAUSE_RATIO": "0.5",
      ])
    #expect(config.warehouse == "dbname=wh")
    #expect(config.publisherSettings.retentionDays == 30)
    #expect(config.publisherSettings.pauseRatio == 0.5)
    #expect(config.retryMaxAttempts == 3)
    #expect(config.reportDirectory == "/srv/report")
    #expect(config.policy.max_multiplier == 1.8)
  }

  @Test(
    "a bad setting is refused with the setting named",
    arguments: [
      ("[retry]\nmax_atempts = 3", "config pricing.toml:2: unknown setting retry.max_atempts"),
      ("[nightly]\nx = 1", "config pricing.toml:2: unknown setting nightly.x"),
      ("[retry]\nmax_attempts = 0", "config pricing.toml:2: retry.max_attempts must be between 1 and 100"),
      ("[retry]\nmax_attempts = \"3\"", "config pricing.toml:2: retry.max_attempts must be a whole number"),
      ("[report]\ndays = -7", "config pricing.toml:2: report.days must be between 1 and 10999"),
      ("[policy]\nmin_multiplier = -0.5", "config pricing.toml: policy.min_multiplier must be in (0, 1]"),
      ("[policy]\nmax_multiplier = 12", "config pricing.toml: policy.max_multiplier must be in [1, 9.9999]"),
      ("[policy]\nmin_multipler = 0.9", "config pricing.toml:2: unknown setting policy.min_multipler"),
      (
        "[publish]\nmax_mean_absolute_change = nan",
        "config pricing.toml:2: publish.max_mean_absolute_change must be a number"
      ),
      ("[publish]\npause_ratio = -1", "config pricing.toml:2: publish.pause_ratio must be between 0 and 100"),
      ("[database]\nschema = \"bad name;\"", "config: database.schema is not a valid identifier"),
      ("[log]\nformat = \"xml\"", "config pricing.toml:2: log.format must be one of text, json"),
      (
        "[retry]\ninitial_delay_seconds = 10\nmax_delay_seconds = 5",
        "config: retry.max_delay_seconds must not be below retry.initial_delay_seconds"
      ),
      ("retry = 3", "config pricing.toml:1: unknown setting retry"),
      ("[x", "config pricing.toml:1: malformed section header"),
      ("[retry]\nmax_attempts", "config pricing.toml:2: expected key = value"),
    ])
  func refused(_ text: String, _ expected: String) {
    #expect(message(text) == expected)
  }

  @Test("environment variables of a known section must name a known setting")
  func environmentTypos() {
    #expect(
      message("", environment: ["PRICING_RETRY_MAX_ATEMPTS": "3"])
        == "config PRICING_RETRY_MAX_ATEMPTS: unknown setting retry.max_atempts")
    #expect(
      message("", environment: ["PRICING_STATUS_MAX_AGE_HOURS": "-1"])
        == "config PRICING_STATUS_MAX_AGE_HOURS: status.max_age_hours must be between 0.001 and 87600")
    #expect(message("", environment: ["PRICING_ACTOR": "cron", "PRICING_CONFIG": "/etc/pricing.toml"]) == nil)
  }

  @Test("a missing file is named")
  func missingFile() {
    #expect(throws: PipelineError.self) { try PipelineConfig.load(file: "/nonexistent/pricing.toml", environment: [:]) }
  }
}
