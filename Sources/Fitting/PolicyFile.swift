import CSV
import Foundation
import Postgres
import PricingModel

/// Reads the policy file: a small TOML subset (`[section]` headers, `key = value` lines with numbers,
/// booleans or quoted strings, `#` comments). Sections: `[policy]` (`PolicyConfig`), `[explore]`
/// (`ExplorationConfig`) and `[model]` (`DemandModelConfig`). An unknown section or key, a value of the wrong kind or out of range is a
/// `FitError.configuration` naming the file, line and setting. `data/policy.toml` documents every key.
public enum PolicyFile {
  public static func load(path: String) throws -> (PolicyConfig, DemandModelConfig) {
    let text: String
    do {
      text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      throw FitError(code: .configuration, message: "\(path): cannot read the policy file")
    }
    return try parse(text, name: path)
  }

  public static func parse(_ text: String, name: String) throws -> (PolicyConfig, DemandModelConfig) {
    let document = try ConfigFileParser.parse(text, name: name)
    for section in document.sections where !sections.contains(section.name) {
      throw FitError(code: .configuration, message: "\(name):\(section.line): unknown section [\(section.name)]")
    }
    return try settings(document.entries, name: name)
  }

  /// The sections this file holds (`pricing run`'s configuration file holds them too).
  public static let sections: Set<String> = ["policy", "model", "explore"]

  /// Applies `[policy]` and `[model]` entries to `starting` (the defaults unless given) and validates the
  /// result (unless `validating` is false: the caller validates once all its entries are applied). An
  /// entry of line 0 comes from outside a file (an environment variable): its messages name `name` alone.
  public static func settings(
    _ entries: [ConfigFileParser.Entry], name: String,
    starting: (PolicyConfig, DemandModelConfig) = (PolicyConfig(), DemandModelConfig()), validating: Bool = true
  ) throws -> (PolicyConfig, DemandModelConfig) {
    var (policy, model) = starting
    for entry in entries {
      func fail(_ message: String) -> FitError {
        FitError(code: .configuration, message: "\(entry.line > 0 ? "\(name):\(entry.line)" : name): \(message)")
      }
      let setting = entry.setting
      func number() throws -> Double {
        guard !entry.isString, let number = Double(entry.value), number.isFinite else {
          throw fail("\(setting) must be a number")
        }
        return number
      }
      func integer() throws -> Int {
        guard !entry.isString, let number = Int(entry.value) else { throw fail("\(setting) must be a whole number") }
        return number
      }
      func boolean() throws -> Bool {
        guard !entry.isString, entry.value == "true" || entry.value == "false" else {
          throw fail("\(setting) must be true or false")
        }
        return entry.value == "true"
      }
      switch (entry.section, entry.key) {
      case ("policy", "objective"):
        guard let objective = PricingObjective(rawValue: entry.value) else {
          throw fail(
            "\(setting) must be one of \(PricingObjective.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))")
        }
        policy.objective = objective
      case ("policy", "max_utilisation"):
        if entry.value == "off" {
          policy.max_utilisation = nil
        } else {
          guard !entry.isString, let number = Double(entry.value), number.isFinite else {
            throw fail("\(setting) must be a number or \"off\"")
          }
          policy.max_utilisation = number
        }
      case ("policy", "min_volume_ratio"): policy.min_volume_ratio = try number()
      case ("policy", "elasticity_margin"): policy.elasticity_margin = try number()
      case ("policy", "target_utilisation"): policy.target_utilisation = try number()
      case ("policy", "min_multiplier"): policy.min_multiplier = try number()
      case ("policy", "max_multiplier"): policy.max_multiplier = try number()
      case ("policy", "max_daily_change"): policy.max_daily_change = try number()
      case ("policy", "smoothing_days"): policy.smoothing_days = try integer()
      case ("policy", "min_history_bookings"): policy.min_history_bookings = try number()
      case ("policy", "horizon_days"): policy.horizon_days = try integer()
      case ("policy", "holdout_days"): policy.holdout_days = try integer()
      case ("policy", "baseline_weeks"): policy.baseline_weeks = try integer()
      case ("policy", "history_days"): policy.history_days = try integer()
      case ("policy", "prior_confidence"): policy.prior_confidence = try number()
      case ("model", "interaction_l2"): model.interactionL2 = try number()
      case ("model", "overdispersion_threshold"): model.overdispersionThreshold = try number()
      case ("model", "elasticity_lower"): model.elasticityLower = try number()
      case ("model", "elasticity_upper"): model.elasticityUpper = try number()
      case ("model", "elasticity_prior"): model.elasticityPrior = try number()
      case ("model", "max_iterations"): model.maxIterations = try integer()
      case ("model", "season_harmonics"): model.structure.seasonHarmonics = try integer()
      case ("model", "backtest_folds"): model.backtestFolds = try integer()
      case ("model", "select_structure"): model.selectStructure = try boolean()
      case ("model", "censor_sold_out"): model.censorSoldOut = try boolean()
      case ("model", "elasticity_identification"):
        guard let mode = ElasticityIdentification(rawValue: entry.value) else {
          throw fail("\(setting) must be \(ElasticityIdentification.allCases.map(\.rawValue).joined(separator: " or "))")
        }
        model.elasticityIdentification = mode
      case ("model", "elasticity_max_se"): model.elasticityMaxStdError = try number()
      case ("explore", "share"): policy.explore.share = try number()
      case ("explore", "max_perturbation"): policy.explore.max_perturbation = try number()
      case ("explore", "max_cost"): policy.explore.max_cost = try number()
      case ("explore", "seed"):
        guard !entry.isString, let seed = UInt64(entry.value) else { throw fail("\(setting) must be a whole number >= 0") }
        policy.explore.seed = seed
      default: throw fail("unknown setting \(setting)")
      }
    }
    if validating { try validate(policy: policy, model: model, name: name) }
    return (policy, model)
  }

  /// Checks the policy's and the model's rules (ranges, combinations); a `FitError.configuration` starting
  /// with `name` otherwise.
  public static func validate(policy: PolicyConfig, model: DemandModelConfig, name: String) throws {
    if let problem = policy.problem() { throw FitError(code: .configuration, message: "\(name): policy.\(problem)") }
    if let problem = policy.explore.problem(boundsWidth: policy.max_multiplier - policy.min_multiplier) {
      throw FitError(code: .configuration, message: "\(name): explore.\(problem)")
    }
    if !(model.elasticityMaxStdError > 0) {
      throw FitError(code: .configuration, message: "\(name): model.elasticity_max_se must be positive")
    }
    if !(model.interactionL2 >= 0) {
      throw FitError(code: .configuration, message: "\(name): model.interaction_l2 must not be negative")
    }
    if !(model.elasticityLower < model.elasticityUpper && model.elasticityUpper < 0) {
      throw FitError(
        code: .configuration, message: "\(name): model.elasticity_lower < model.elasticity_upper < 0 must hold")
    }
    if !(model.elasticityPrior < 0) {
      throw FitError(code: .configuration, message: "\(name): model.elasticity_prior must be negative")
    }
    if !(1...12).contains(model.structure.seasonHarmonics) {
      throw FitError(code: .configuration, message: "\(name): model.season_harmonics must be between 1 and 12")
    }
    if !(1...12).contains(model.backtestFolds) {
      throw FitError(code: .configuration, message: "\(name): model.backtest_folds must be between 1 and 12")
    }
    if model.maxIterations < 1 {
      throw FitError(code: .configuration, message: "\(name): model.max_iterations must be at least 1")
    }
  }

  /// A holiday calendar: CSV with a header `country,date,name` (ISO date).
  public static func holidays(path: String) throws -> [(country: String, date: LocalDate)] {
    var result: [(country: String, date: LocalDate)] = []
    var header = true
    try CSVReader.forEachRecord(inFile: path) { record in
      if header {
        header = false
        return
      }
      guard let country = record.string(0), let text = record.string(1), let date = LocalDate(iso: text) else {
        throw CSVError(
          code: .invalidValue, message: "expected country,date(YYYY-MM-DD),name", file: path, line: record.line)
      }
      result.append((country, date))
    }
    return result
  }
}
