import Foundation
import Postgres
@testable import Pipeline
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

  func message(_ text: String, environment: [String: String] = [:], holidays: Bool = false) -> String? {
    do {
      let config = try load(text, environment: environment)
      if holidays { _ = try config.holidays() }
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
    #expect(config.eventsFile == "data/events.csv")
    config.eventsFile = defaults.eventsFile
    // Every setting's value (their origins differ: the file's lines against "default").
    #expect(config.effectiveSettings.map { [$0.name, $0.value] } == defaults.effectiveSettings.map { [$0.name, $0.value] })
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
      ("[nightly]\nx = 1", "config pricing.toml:1: unknown section [nightly]"),
      ("[retry]\nmax_attempts = 3\nmax_attempts = 4", "config pricing.toml:3: retry.max_attempts is set twice (first at line 2)"),
      ("[retry]\nmax_attempts = 3\n[retry]\n", "config pricing.toml:3: section [retry] appears twice (first at line 1)"),
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
      (
        "[database]\nschema = \"bad name;\"",
        "config: database.schema: invalid SQL identifier \"bad name;\": may hold only lower-case letters, digits and underscores"
      ),
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

  @Test("a configuration path that is missing, a folder or empty is named; exit 78 (64 for an empty --config)")
  func badPaths() {
    func failure(_ file: String?, _ environment: [String: String] = [:]) -> String? {
      do {
        _ = try PipelineConfig.load(file: file, environment: environment)
        return nil
      } catch let error as PipelineError {
        return "\(error.code): \(error.message)"
      } catch {
        return "\(error)"
      }
    }
    #expect(failure("/nonexistent/pricing.toml") == "configuration: config /nonexistent/pricing.toml: no such file")
    #expect(failure("/tmp") == "configuration: config /tmp: is a folder, not a file")
    #expect(failure("") == "usage: --config must name a file")
    #expect(
      failure(nil, ["PRICING_CONFIG": ""]) == "configuration: config: PRICING_CONFIG is empty: name a file or unset it")
    // An empty file (/dev/null) is a file of defaults.
    #expect(failure("/dev/null") == nil)
  }

  @Test("config show lists every setting the file takes, each once")
  func showsEverySetting() {
    let names = PipelineConfig().effectiveSettings.map(\.name)
    #expect(Set(names).count == names.count)
    #expect(Set(PipelineConfig.setters.keys).isSubset(of: Set(names)))
    #expect(names.filter { $0.hasPrefix("policy.") || $0.hasPrefix("model.") }.count == 27)
    #expect(names.filter { $0.hasPrefix("explore.") } == ["explore.share", "explore.max_perturbation", "explore.max_cost", "explore.seed"])
  }

  @Test("the holiday calendar is read by the commands that use it; a missing one is named")
  func holidays() throws {
    let config = try load("[fit]\nholidays_file = \"/nonexistent/holidays.csv\"")
    #expect(throws: PipelineError.self) { try config.holidays() }
    #expect(
      message("[fit]\nholidays_file = \"/nonexistent/holidays.csv\"", holidays: true)
        == "config: fit.holidays_file: /nonexistent/holidays.csv: cannot open: No such file or directory")
    #expect(try PipelineConfig().holidays().isEmpty)
  }

  @Test("a file with CR LF line endings reads like one with LF")
  func crlf() throws {
    let config = try load("[retry]\r\nmax_attempts = 3\r\n[policy]\r\nmax_multiplier = 1.2\r\n")
    #expect(config.retryMaxAttempts == 3)
    #expect(config.policy.max_multiplier == 1.2)
  }

  @Test("PRICING_POLICY_* and PRICING_MODEL_* variables apply over the file, with the file's checks")
  func policyEnvironment() throws {
    let config = try load("[policy]\nmax_multiplier = 1.4\n", environment: ["PRICING_POLICY_MAX_MULTIPLIER": "1.2"])
    #expect(config.policy.max_multiplier == 1.2)
    #expect(
      message("", environment: ["PRICING_POLICY_MAX_MULTIPLER": "1.2"])
        == "config PRICING_POLICY_MAX_MULTIPLER: unknown setting policy.max_multipler")
    #expect(
      message("", environment: ["PRICING_POLICY_MAX_MULTIPLIER": "12"])
        == "config PRICING_POLICY_MAX_MULTIPLIER: policy.max_multiplier must be in [1, 9.9999]")
  }

  @Test("a flag's value gets the file's checks and is a usage error naming the flag")
  func flags() throws {
    var config = PipelineConfig()
    #expect(throws: PipelineError.self) {
      try config.apply(flag: "--overlap-minutes", setting: "ingest.overlap_minutes", value: "99999999999")
    }
    do {
      try config.apply(flag: "--max-age-hours", setting: "status.max_age_hours", value: "inf")
      Issue.record("inf was accepted")
    } catch let error as PipelineError {
      #expect(error.code == .usage)
      #expect(error.message == "--max-age-hours must be a number")
    }
    try config.apply(flag: "--overlap-minutes", setting: "ingest.overlap_minutes", value: "30")
    #expect(config.overlapMinutes == 30)
  }

  @Test("an event calendar is judged as one, with its own remedy; a bad one is exit 78's message naming file:line")
  func eventCalendar() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("events-\(UUID().uuidString).csv").path
    try "name,country,city,first_day,last_day,lead_in_days\nxmas,DE,,2026-12-24,2026-12-26,0\n"
      .write(toFile: path, atomically: true, encoding: .utf8)
    var config = PipelineConfig()
    config.eventsFile = path
    let calendar = try #require(config.calendar)
    #expect(
      calendar.problem(today: LocalDate(iso: "2026-12-07")!)
        == "the event calendar \(path) ends on 2026-12-26, before the horizon's last day 2027-01-03: add the coming years' windows (docs/model.md, The event calendar)"
    )
    try "name,country,city,first_day,last_day,lead_in_days\nxmas,ZZ,,2026-12-24,2026-12-26,0\n"
      .write(toFile: path, atomically: true, encoding: .utf8)
    #expect(throws: PipelineError.self) { try config.events() }
    #expect(
      config.calendar?.problem(today: LocalDate(iso: "2026-12-07")!)
        == "the event calendar cannot be read: config: fit.events_file: \(path):2: unknown country \"ZZ\" (an ISO 3166-1 alpha-2 code)")
  }
}
