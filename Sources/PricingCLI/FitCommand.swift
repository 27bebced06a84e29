import ArgumentParser
import Fitting
import Foundation
import Postgres
import PricingModel

/// `pricing fit [--as-of DATE] [--horizon DAYS]`: the demand model, its validation and the candidate
/// price table, recorded as a model run (docs/model.md).
struct FitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fit",
    abstract: "Fit the demand model, validate it against the seasonal-naive baseline, build the candidate prices.")

  @OptionGroup var options: GlobalOptions

  @Option(name: .customLong("as-of"), help: "First day priced; the model sees data before it (default: today, UTC).")
  var asOf: String?

  @Option(help: "Days priced after the as-of date (overrides the policy file).")
  var horizon: Int?

  @Option(help: "The policy file (TOML subset; see data/policy.toml). Default: the built-in defaults.")
  var config: String?

  @Option(help: "A holiday calendar CSV (country,date,name), e.g. data/holidays.csv.")
  var holidays: String?

  func validate() throws {
    if let asOf, LocalDate(iso: asOf) == nil { throw ValidationError("--as-of must be a date YYYY-MM-DD") }
    if let horizon, horizon < 1 || horizon > 366 { throw ValidationError("--horizon must be between 1 and 366") }
  }

  func run() throws {
    var exitStatus = ExitStatus.success
    try reportingFailures {
      let logger = options.makeLogger("fit")
      var (policy, model) = (PolicyConfig(), DemandModelConfig())
      if let config { (policy, model) = try PolicyFile.load(path: config) }
      if let horizon { policy.horizon_days = horizon }
      let calendar = try holidays.map { try PolicyFile.holidays(path: $0) } ?? []
      let day = asOf.flatMap { LocalDate(iso: $0) } ?? SeedCommand.todayUTC()
      let outcome = try FitRunner(
        options: FitOptions(
          warehouseConninfo: options.warehouseConninfo, schema: try options.warehouseSchema(), asOf: day,
          policy: policy, model: model, holidays: calendar),
        logger: logger
      ).run()
      let m = outcome.metrics
      print("run \(outcome.runID): \(outcome.status), \(outcome.candidates) candidate multipliers")
      print(
        String(
          format:
            "holdout %@..%@ (%d cells): model WAPE %.4f, deviance explained %.4f; baseline WAPE %.4f, deviance explained %.4f",
          m.holdout_start, m.holdout_end, m.cells, m.model.wape, m.model.deviance_explained, m.baseline.wape,
          m.baseline.deviance_explained))
      for reason in outcome.reasons { print("rejected: \(reason)") }
      if outcome.status != "fitted" { exitStatus = .rejected }
    }
    if exitStatus != .success { throw exitStatus.exitCode }
  }
}
