import Fitting
import Foundation
import Postgres
import PricingModel
import Reports
import Warehouse

extension PipelineConfig {
  /// The settings of the pipeline's own sections: `section.key` -> how to apply a value.
  static let setters: [String: @Sendable (inout PipelineConfig, Setting) throws -> Void] = [
    "database.source": { $0.source = try $1.string() },
    "database.warehouse": { $0.warehouse = try $1.string() },
    "database.schema": { $0.schema = try $1.string() },
    "database.source_schema": { $0.sourceSchema = try $1.string() },
    "ingest.overlap_minutes": { $0.overlapMinutes = try $1.integer(0...10_080) },
    "ingest.full": { $0.fullIngest = try $1.boolean() },
    "fit.holidays_file": { $0.holidaysFile = try $1.string() },
    "fit.events_file": { $0.eventsFile = try $1.string() },
    "publish.retention_days": { $0.retentionDays = try $1.integer(1...36_500) },
    "publish.max_share_beyond_daily_limit": { $0.maxShareBeyondDailyLimit = try $1.number(0...1) },
    "publish.max_mean_absolute_change": { $0.maxMeanAbsoluteChange = try $1.number(0...10) },
    "publish.pause_ratio": { $0.publishPauseRatio = try $1.number(0...100) },
    "publish.impact_max_gmv_loss": { $0.impactMaxGMVLoss = try $1.number(0...1) },
    "publish.impact_max_bookings_drop": { $0.impactMaxBookingsDrop = try $1.number(0...1) },
    "report.dir": { $0.reportDirectory = try $1.string() },
    "report.days": { $0.reportDays = try $1.integer(1...ReportPeriod.maximumDays - 1) },
    "report.archive": { $0.report.archive = try $1.boolean() },
    "report.keep_days": { $0.report.keepDays = try $1.integer(1...36_500) },
    "report.attention_floor_share": { $0.report.floorShare = try $1.number(0...1) },
    "report.attention_quarantine_rows": { $0.report.quarantineSpikeRows = try $1.integer(1...1_000_000_000) },
    "report.attention_ingest_age_hours": { $0.report.maxIngestAgeHours = try $1.number(0.001...87_600) },
    "report.attention_calendar_days": { $0.report.calendarWarningDays = try $1.integer(0...3650) },
    "retry.max_attempts": { $0.retryMaxAttempts = try $1.integer(1...100) },
    "retry.initial_delay_seconds": { $0.retryInitialDelaySeconds = try $1.number(0.001...3600) },
    "retry.max_delay_seconds": { $0.retryMaxDelaySeconds = try $1.number(0.001...3600) },
    "retry.max_total_seconds": { $0.retryMaxTotalSeconds = try $1.number(0.001...86_400) },
    "run.deadline_seconds": { $0.runDeadlineSeconds = try $1.number(1...604_800) },
    "status.max_age_hours": { $0.statusMaxAgeHours = try $1.number(0.001...87_600) },
    "log.format": { $0.logFormat = try $1.choice(["text", "json"]) },
    "log.level": { $0.logLevel = try $1.choice(["debug", "info", "warning", "error"]) },
  ]

  /// Loads the settings: defaults, then the file (`file`, else `$PRICING_CONFIG`, when either is set),
  /// then the environment's `PRICING_<SECTION>_<KEY>` variables, and validates the result (unless the
  /// caller validates after applying flags of its own). A named file that is empty as a name, missing, a
  /// folder or unreadable is a configuration error naming it.
  public static func load(file: String?, environment: [String: String], validating: Bool = true) throws
    -> PipelineConfig
  {
    var config = PipelineConfig()
    if let path = try configurationPath(file: file, environment: environment) {
      try config.apply(text: try readConfigurationFile(path), name: path)
    }
    try config.apply(environment: environment)
    if validating { try config.validate() }
    return config
  }

  /// The configuration file to read: `file` (the `--config` flag), else `$PRICING_CONFIG`, else none.
  static func configurationPath(file: String?, environment: [String: String]) throws -> String? {
    if let file {
      guard !file.isEmpty else { throw PipelineError(code: .usage, message: "--config must name a file") }
      return file
    }
    guard let variable = environment["PRICING_CONFIG"] else { return nil }
    guard !variable.isEmpty else {
      throw PipelineError(code: .configuration, message: "config: PRICING_CONFIG is empty: name a file or unset it")
    }
    return variable
  }

  /// The file's text; what is wrong with it otherwise (missing, a folder, unreadable, not UTF-8).
  static func readConfigurationFile(_ path: String) throws -> String {
    func fail(_ reason: String) -> PipelineError {
      PipelineError(code: .configuration, message: "config \(path): \(reason)")
    }
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { throw fail("no such file") }
    if isFolder.boolValue { throw fail("is a folder, not a file") }
    guard let handle = FileHandle(forReadingAtPath: path) else { throw fail("cannot read the file (permission denied)") }
    defer { try? handle.close() }
    let data: Data
    do {
      data = try handle.readToEnd() ?? Data()
    } catch {
      throw fail("cannot read the file")
    }
    guard let text = String(data: data, encoding: .utf8) else { throw fail("is not UTF-8 text") }
    return text
  }

  /// Applies a configuration file's text; its `[policy]` and `[model]` entries go to the policy file's
  /// reader (`PolicyFile.settings`).
  public mutating func apply(text: String, name: String) throws {
    do {
      let document = try ConfigFileParser.parse(text, name: name)
      let known = Set(Self.setters.keys.map { String($0.split(separator: ".")[0]) }).union(PolicyFile.sections)
      for section in document.sections where !known.contains(section.name) {
        throw PipelineError(
          code: .configuration, message: "config \(name):\(section.line): unknown section [\(section.name)]")
      }
      let entries = document.entries
      var policyEntries: [ConfigFileParser.Entry] = []
      for entry in entries {
        if PolicyFile.sections.contains(entry.section) {
          policyEntries.append(entry)
          continue
        }
        let where_ = "\(name):\(entry.line)"
        guard let setter = Self.setters[entry.setting] else {
          throw PipelineError(
            code: .configuration, message: "config \(where_): unknown setting \(entry.setting)", setting: entry.setting)
        }
        try setter(&self, Setting(name: entry.setting, value: entry.value, isString: entry.isString, origin: where_))
        origins[entry.setting] = where_
      }
      if !policyEntries.isEmpty { (policy, model) = try PolicyFile.settings(policyEntries, name: name) }
      for entry in policyEntries { origins[entry.setting] = "\(name):\(entry.line)" }
    } catch let error as FitError {
      throw PipelineError(code: .configuration, message: "config \(error.message)")
    }
  }

  /// Applies `PRICING_<SECTION>_<KEY>` variables of the pipeline's sections (`PRICING_RETRY_MAX_ATTEMPTS`,
  /// `PRICING_POLICY_MAX_MULTIPLIER`); a variable of a known section with an unknown key is an error (a
  /// typo would otherwise be ignored).
  public mutating func apply(environment: [String: String]) throws {
    let sections = Set(Self.setters.keys.map { String($0.split(separator: ".")[0]) })
    var policyEntries: [(variable: String, entry: ConfigFileParser.Entry)] = []
    for (variable, value) in environment.sorted(by: { $0.key < $1.key }) where variable.hasPrefix("PRICING_") {
      let rest = variable.dropFirst("PRICING_".count).lowercased()
      if let section = PolicyFile.sections.first(where: { rest.hasPrefix($0 + "_") }) {
        let key = String(rest.dropFirst(section.count + 1))
        policyEntries.append(
          (variable, ConfigFileParser.Entry(section: section, key: key, value: value, isString: false, line: 0)))
        continue
      }
      guard let section = sections.first(where: { rest.hasPrefix($0 + "_") }) else { continue }
      let setting = "\(section).\(rest.dropFirst(section.count + 1))"
      guard let setter = Self.setters[setting] else {
        throw PipelineError(
          code: .configuration, message: "config \(variable): unknown setting \(setting)", setting: setting)
      }
      try setter(&self, Setting(name: setting, value: value, isString: nil, origin: variable))
      origins[setting] = variable
    }
    // Each variable's value on its own (a bad one is named), then the rules between settings once, on
    // the result (`validate`): two variables that only make sense together are both applied first.
    for (variable, entry) in policyEntries {
      do {
        (policy, model) = try PolicyFile.settings(
          [entry], name: variable, starting: (policy, model), validating: false)
      } catch let error as FitError {
        throw PipelineError(code: .configuration, message: "config \(error.message)", setting: entry.setting)
      }
      origins[entry.setting] = variable
    }
  }

  /// Applies a command-line flag's value to `setting` with the file's rules; a value of the wrong kind or
  /// out of range is a usage error naming the flag (exit 64).
  public mutating func apply(flag: String, setting: String, value: String) throws {
    guard let setter = Self.setters[setting] else {
      preconditionFailure("no setting \(setting) for \(flag)")
    }
    try setter(&self, Setting(name: setting, value: value, isString: nil, origin: flag))
    origins[setting] = flag
  }

  /// Records that a setting set directly (a typed flag such as `fit --horizon`) came from `flag`.
  public mutating func noteOrigin(_ setting: String, _ flag: String) { origins[setting] = flag }

  /// Checks what single settings cannot: combinations, identifiers, the policy's own rules.
  public func validate() throws {
    func fail(_ setting: String, _ message: String) -> PipelineError {
      PipelineError(code: .configuration, message: "config: \(setting) \(message)", setting: setting)
    }
    do {
      _ = try SQLIdentifier(schema)
    } catch let error as PostgresError {
      throw PipelineError(code: .configuration, message: "config: database.schema: \(error.message)", setting: "database.schema")
    }
    do {
      _ = try SQLIdentifier(sourceSchema)
    } catch let error as PostgresError {
      throw PipelineError(
        code: .configuration, message: "config: database.source_schema: \(error.message)", setting: "database.source_schema")
    }
    if retryMaxDelaySeconds < retryInitialDelaySeconds {
      throw fail("retry.max_delay_seconds", "must not be below retry.initial_delay_seconds")
    }
    do {
      try PolicyFile.validate(policy: policy, model: model, name: "config")
    } catch let error as FitError {
      // "config: policy.max_multiplier must be ...": name the variable that set it, when one did.
      let setting = error.message.dropFirst("config: ".count).prefix { $0 != " " }
      let origin = origins[String(setting)].map { " " + $0 } ?? ""
      throw PipelineError(
        code: .configuration, message: "config\(origin):" + error.message.dropFirst("config:".count),
        setting: String(setting))
    }
  }

  /// The calendar `status` and the report judge (nil when none is set): of the event calendar
  /// (`fit.events_file`) and the holiday calendar (`fit.holidays_file`), the one that cannot be read, else
  /// the one ending first, with its last day and the horizon it must reach.
  public var calendar: StatusReport.Calendar? {
    var calendars: [StatusReport.Calendar] = []
    if !eventsFile.isEmpty {
      var calendar = StatusReport.Calendar(file: eventsFile, lastDay: nil, error: nil, horizonDays: policy.horizon_days)
      calendar.kind = "event calendar"
      calendar.remedy = "add the coming years' windows (docs/model.md, The event calendar)"
      do {
        calendar.lastDay = try events().lastDay.map { LocalDate(daysSinceEpoch: $0.daysSinceEpoch) }
      } catch {
        calendar.error = (error as? PipelineError)?.message ?? "\(error)"
      }
      calendars.append(calendar)
    }
    if !holidaysFile.isEmpty {
      var calendar = StatusReport.Calendar(file: holidaysFile, lastDay: nil, error: nil, horizonDays: policy.horizon_days)
      do {
        calendar.lastDay = try holidays().map(\.date).max()
      } catch {
        calendar.error = (error as? PipelineError)?.message ?? "\(error)"
      }
      calendars.append(calendar)
    }
    if let unreadable = calendars.first(where: { $0.error != nil || $0.lastDay == nil }) { return unreadable }
    return calendars.min { $0.lastDay! < $1.lastDay! }
  }

  /// The event calendar of `fit.events_file` (empty when none is set); a file that is missing or malformed
  /// is a configuration error naming the setting and FILE:LINE. The commands that use it (`run`, `fit`)
  /// read it before touching any database.
  public func events() throws -> EventCalendar {
    guard !eventsFile.isEmpty else { return .empty }
    do {
      return try EventCalendarFile.read(path: eventsFile)
    } catch let error as FitError {
      throw PipelineError(code: .configuration, message: "config: fit.events_file: \(error.message)", setting: "fit.events_file")
    }
  }

  /// The holiday calendar of `fit.holidays_file` (empty when none is set); a file that is missing or
  /// malformed is a configuration error naming the setting. The commands that use it (`run`, `fit`) read
  /// it before touching any database.
  public func holidays() throws -> [(country: String, date: LocalDate)] {
    guard !holidaysFile.isEmpty else { return [] }
    do {
      return try PolicyFile.holidays(path: holidaysFile)
    } catch {
      throw PipelineError(
        code: .configuration, message: "config: fit.holidays_file: \(error)", setting: "fit.holidays_file")
    }
  }
}

/// One value being applied, with where it came from for error messages.
struct Setting {
  let name: String
  let value: String
  /// Whether the file quoted it; nil for environment variables (always text).
  let isString: Bool?
  let origin: String

  /// A flag's bad value is a usage error naming the flag; the file's or a variable's, a configuration error.
  private func fail(_ message: String) -> PipelineError {
    if origin.hasPrefix("--") {
      return PipelineError(code: .usage, message: "\(origin) \(message)", setting: name)
    }
    return PipelineError(code: .configuration, message: "config \(origin): \(name) \(message)", setting: name)
  }

  func string() throws -> String {
    if isString == false { throw fail("must be a quoted string") }
    return value
  }

  func integer(_ range: ClosedRange<Int>) throws -> Int {
    guard isString != true, let number = Int(value) else { throw fail("must be a whole number") }
    guard range.contains(number) else { throw fail("must be between \(range.lowerBound) and \(range.upperBound)") }
    return number
  }

  func number(_ range: ClosedRange<Double>) throws -> Double {
    guard isString != true, let number = Double(value), number.isFinite else { throw fail("must be a number") }
    guard range.contains(number) else {
      throw fail("must be between \(Setting.format(range.lowerBound)) and \(Setting.format(range.upperBound))")
    }
    return number
  }

  func boolean() throws -> Bool {
    switch (isString, value) {
    case (.some(false), "true"), (nil, "true"), (nil, "1"): return true
    case (.some(false), "false"), (nil, "false"), (nil, "0"): return false
    default: throw fail("must be true or false")
    }
  }

  func choice(_ choices: [String]) throws -> String {
    guard isString != false, choices.contains(value) else {
      throw fail("must be one of \(choices.joined(separator: ", "))")
    }
    return value
  }

  static func format(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
  }
}
