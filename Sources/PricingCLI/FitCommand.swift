import ArgumentParser
import Fitting
import Foundation
import Postgres
import PricingModel
import Warehouse

/// `pricing fit [--as-of DATE] [--horizon DAYS]`: the demand model, its validation and the candidate
/// price table, recorded as a model run (docs/model.md). Its policy, model settings and holiday calendar
/// are the configuration's (`[policy]`, `[model]`, `fit.holidays_file`), the nightly run's own.
struct FitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fit",
    abstract: "Fit the demand model, validate it against the seasonal-naive baseline, build the candidate prices.")

  @OptionGroup var options: GlobalOptions

  @Option(name: .customLong("as-of"), help: "First day priced; the model sees data before it (default: today, UTC).")
  var asOf: String?

  @Option(help: "Days priced after the as-of date (overrides policy.horizon_days; 1..366).")
  var horizon: Int?

  @Option(help: "A holiday calendar CSV (country,date,name) (overrides fit.holidays_file).")
  var holidays: String?

  @Option(help: "An event calendar CSV (name,country,city,first_day,last_day,lead_in_days) (overrides fit.events_file).")
  var events: String?

  @Option(name: .customLong("cells-out"), help: "Write every history cell with the model's and the baselines' predictions as CSV to this file.")
  var cellsOut: String?

  func validate() throws {
    if let asOf { _ = try DateFlag.parse(asOf, flag: "--as-of") }
    if let horizon, horizon < 1 || horizon > 366 { throw ValidationError("--horizon must be between 1 and 366") }
    if cellsOut == "" { throw ValidationError("--cells-out must name a file") }
  }

  func run() throws {
    var exitStatus = ExitStatus.success
    try reportingFailures {
      var settings = try options.settings()
      if let horizon {
        settings.policy.horizon_days = horizon
        settings.noteOrigin("policy.horizon_days", "--horizon")
      }
      if let holidays { try settings.apply(flag: "--holidays", setting: "fit.holidays_file", value: holidays) }
      if let events { try settings.apply(flag: "--events", setting: "fit.events_file", value: events) }
      try settings.validate()
      let logger = options.makeLogger("fit", settings: settings)
      let interruption = InterruptionGuard(settings: settings)
      defer { withExtendedLifetime(interruption) {} }
      let calendar = try settings.holidays()
      let eventCalendar = try settings.events()
      let day = try asOf.map { try DateFlag.parse($0, flag: "--as-of") } ?? SeedCommand.todayUTC()
      var fitOptions = FitOptions(
        warehouseConninfo: settings.warehouseConninfo, schema: try WarehouseSchema(name: settings.schema),
        asOf: day, policy: settings.policy, model: settings.model, holidays: calendar,
        exitCode: { CommandFailure.from($0).status.rawValue })
      fitOptions.events = eventCalendar
      fitOptions.eventsFile = settings.eventsFile
      fitOptions.cellsOut = cellsOut
      let outcome = try FitRunner(options: fitOptions, logger: logger).run()
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
