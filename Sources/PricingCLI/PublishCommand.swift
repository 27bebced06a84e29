import ArgumentParser
import Fitting
import Foundation
import Pipeline
import Postgres
import Publish

/// `pricing publish [--run ID] [--dry-run] [--force]` (docs/publish.md).
struct PublishCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "publish", abstract: "Publish a fitted run's prices through the guardrails.")

  @OptionGroup var options: GlobalOptions

  @Option(name: .customLong("run"), help: "The model run (default: the latest fitted by pricing run; a manual fit must be named).")
  var runID: Int64?

  @Flag(name: .customLong("dry-run"), help: "Show what would change and write nothing.")
  var dryRun = false

  @Flag(help: "Override the drift, impact and validation guardrails (never bounds, coverage or NaN); recorded.")
  var force = false

  @Flag(
    name: .customLong("reapply-overrides"),
    help: "Republish the current version's table with today's overrides applied, as a new version, through the guardrails.")
  var reapplyOverrides = false

  func validate() throws {
    if reapplyOverrides && runID != nil { throw ValidationError("--reapply-overrides takes no --run: it republishes the current table") }
  }

  func run() throws {
    try reportingFailures {
      let settings = try options.settings()
      let logger = options.makeLogger("publish", settings: settings)
      let (connection, schema) = try options.connectWarehouse(settings, logger: logger)
      var publisher = Publisher(connection: connection, schema: schema, logger: logger)
      publisher.settings = settings.publisherSettings
      func show(_ checks: [GuardrailCheck]) {
        for check in checks {
          print(
            "\(check.passed ? "pass" : (check.overridable && force ? "forced" : "FAIL"))  \(check.name): \(check.detail)"
          )
        }
      }
      var runID = self.runID
      if reapplyOverrides {
        let reapplier = OverrideReapplier(schema: schema, policy: settings.policy, logger: logger)
        if dryRun {
          let changes = try reapplier.recompute(connection).changes
          print("dry run: reapplying today's overrides would change \(changes.count) cells of the current table")
          return
        }
        guard let reapplied = try reapplier.reapply(connection, conninfo: settings.warehouseConninfo) else {
          print("nothing to change: the table being served already has today's overrides")
          return
        }
        print("run \(reapplied.run): the current table with today's overrides (\(reapplied.changes) cells changed)")
        runID = reapplied.run
      }
      let outcome: Publisher.Outcome
      do {
        outcome = try publisher.publish(runID: runID, dryRun: dryRun, force: force, actor: PublishCommand.actor())
      } catch let error as PublishError where error.code == .rejected {
        show(error.checks)
        throw error
      }
      show(outcome.checks)
      if dryRun {
        print("dry run: would \(outcome.action) \(outcome.rows) rows of run \(outcome.runID ?? 0)")
        for move in outcome.largestMoves { print("  largest move: \(move)") }
        if outcome.action != "publish" { throw ExitStatus.rejected.exitCode }
        return
      }
      print("published version \(outcome.versionID ?? 0) (\(outcome.rows) rows of run \(outcome.runID ?? 0))")
    }
  }

  /// Who is publishing, for the record: $PRICING_ACTOR, else $USER, else the process owner's name (its id
  /// when it has none).
  static func actor() -> String {
    let environment = ProcessInfo.processInfo.environment
    if let actor = environment["PRICING_ACTOR"] ?? environment["USER"], !actor.isEmpty { return actor }
    if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
    return "uid \(getuid())"
  }
}

/// `pricing rollback [--to VERSION]`.
struct RollbackCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rollback", abstract: "Make an earlier price version current again (default: the previous one).")

  @OptionGroup var options: GlobalOptions

  @Option(help: "The version to make current.")
  var to: Int64?

  func run() throws {
    try reportingFailures {
      let settings = try options.settings()
      let logger = options.makeLogger("rollback", settings: settings)
      let (connection, schema) = try options.connectWarehouse(settings, logger: logger)
      let outcome = try Publisher(connection: connection, schema: schema, logger: logger)
        .rollback(to: to, actor: PublishCommand.actor())
      print("version \(outcome.versionID ?? 0) is current again (was \(outcome.previousVersionID ?? 0))")
    }
  }
}
