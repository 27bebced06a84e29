import ArgumentParser
import Fitting
import Foundation
import Postgres
import PricingModel

/// `pricing override add|list|show|revoke` (docs/overrides.md, docs/cli.md).
struct OverrideCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "override", abstract: "Manual price overrides and freezes: add, list, show, revoke.",
    subcommands: [Add.self, List.self, Show.self, Revoke.self])

  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "add", abstract: "Record an override (prints its id); the next fit or publish --reapply-overrides applies it.")

    @OptionGroup var options: GlobalOptions

    @Option var category: String
    @Option(help: "One city (default: every city).")
    var city: String?
    @Option(help: "One experience band (default: every band).")
    var band: String?
    @Option(help: "The first local date YYYY-MM-DD.")
    var from: String
    @Option(help: "The last local date YYYY-MM-DD.")
    var to: String
    @Option(help: "fixed, min, max, factor or freeze.")
    var kind: String
    @Option(help: "The multiplier (fixed, min, max) or the factor (factor); not taken by freeze.")
    var value: Double?
    @Option(help: "Why (required; recorded with the override and shown by explain and the report).")
    var reason: String
    @Option(help: "When the override stops applying (a timestamp; default: its last day).")
    var expires: String?
    @Flag(name: .customLong("dry-run"), help: "List the published cells that would change, and record nothing.")
    var dryRun = false

    func validate() throws {
      guard let kind = PriceOverride.Kind(rawValue: kind) else {
        throw ValidationError("--kind must be fixed, min, max, factor or freeze")
      }
      guard let first = LocalDate(iso: from) else { throw ValidationError("--from must be a date YYYY-MM-DD") }
      guard let last = LocalDate(iso: to) else { throw ValidationError("--to must be a date YYYY-MM-DD") }
      guard first <= last else { throw ValidationError("--from \(from) is after --to \(to): give the range in order") }
      if kind == .freeze {
        guard value == nil else { throw ValidationError("--kind freeze takes no --value (it sets multiplier 1)") }
      } else {
        guard let value else { throw ValidationError("--kind \(kind.rawValue) needs --value") }
        guard value.isFinite, value >= 0.0001, value <= 9.9999 else {
          throw ValidationError("--value must be between 0.0001 and 9.9999 (the table's hard bounds of a multiplier)")
        }
      }
      guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
        throw ValidationError("--reason must say why (it is recorded with the override)")
      }
      guard reason.unicodeScalars.allSatisfy({ !CharacterSet.controlCharacters.contains($0) }), reason.count <= 500 else {
        throw ValidationError("--reason must be one line of at most 500 characters, without control characters")
      }
    }

    func run() throws {
      try reportingFailures {
        let settings = try options.settings()
        let logger = options.makeLogger("override", settings: settings)
        let (connection, schema) = try options.connectWarehouse(settings, logger: logger)
        let request = OverrideStore.Request(
          category: category, city: city, band: band, from: LocalDate(iso: from)!, to: LocalDate(iso: to)!,
          kind: PriceOverride.Kind(rawValue: kind)!, value: value, reason: reason, expires: expires)
        let store = OverrideStore(schema: schema)
        if dryRun {
          try store.check(connection, request)
          let proposed = PriceOverride(
            id: Int64.max, category: request.category, city: request.city, band: request.band,
            from: CalendarDay(daysSinceEpoch: request.from.daysSinceEpoch),
            to: CalendarDay(daysSinceEpoch: request.to.daysSinceEpoch), kind: request.kind, value: request.value,
            reason: request.reason, createdBy: PublishCommand.actor())
          let changes = try OverrideReapplier(schema: schema, policy: settings.policy, logger: logger)
            .recompute(connection, adding: proposed).changes
          print("dry run: \(changes.count) published cells would change (nothing recorded)")
          for change in changes.prefix(50) {
            print(
              "  \(change.from.category) in \(change.from.city), \(change.from.band), \(change.from.date): "
                + String(format: "%.4f -> %.4f (%+.1f%%)", change.from.multiplier, change.to.multiplier,
                         (change.to.multiplier / change.from.multiplier - 1) * 100))
          }
          if changes.count > 50 { print("  ... and \(changes.count - 50) more") }
          return
        }
        let id = try store.add(connection, request, actor: PublishCommand.actor())
        print("override \(id) added: run pricing publish --reapply-overrides to apply it now, or wait for the next run")
      }
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List overrides, newest first.")

    @OptionGroup var options: GlobalOptions
    @Flag(help: "Only those still in force (not revoked, expired or past their last day).")
    var active = false
    @Option(help: "Output format: text or json.")
    var format: String = "text"

    func validate() throws {
      guard format == "text" || format == "json" else { throw ValidationError("--format must be text or json") }
    }

    func run() throws {
      try reportingFailures {
        let settings = try options.settings()
        let (connection, schema) = try options.connectWarehouse(
          settings, logger: options.makeLogger("override", settings: settings))
        let records = try OverrideStore(schema: schema).list(connection, activeOnly: active)
        if format == "json" {
          try JSONOutput.write(records)
          return
        }
        if records.isEmpty { print(active ? "no override in force" : "no override") }
        for record in records { print(OverrideCommand.line(record)) }
      }
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one override.")

    @OptionGroup var options: GlobalOptions
    @Argument var id: Int64
    @Option(help: "Output format: text or json.")
    var format: String = "text"

    func validate() throws {
      guard format == "text" || format == "json" else { throw ValidationError("--format must be text or json") }
    }

    func run() throws {
      try reportingFailures {
        let settings = try options.settings()
        let (connection, schema) = try options.connectWarehouse(
          settings, logger: options.makeLogger("override", settings: settings))
        let record = try OverrideStore(schema: schema).show(connection, id: id)
        if format == "json" {
          try JSONOutput.write(record)
          return
        }
        print(OverrideCommand.line(record))
        print("  reason: \(record.reason)")
        print("  added by \(record.created_by) at \(record.created_at)" + (record.expires_at.map { ", expires \($0)" } ?? ""))
        if let revoked = record.revoked_at {
          print("  revoked by \(record.revoked_by ?? "") at \(revoked): \(record.revoke_reason ?? "")")
        }
      }
    }
  }

  struct Revoke: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "revoke", abstract: "Revoke an override (kept, with who revoked it and why).")

    @OptionGroup var options: GlobalOptions
    @Argument var id: Int64
    @Option(help: "Why (required).")
    var reason: String

    func validate() throws {
      guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
        throw ValidationError("--reason must say why")
      }
    }

    func run() throws {
      try reportingFailures {
        let settings = try options.settings()
        let (connection, schema) = try options.connectWarehouse(
          settings, logger: options.makeLogger("override", settings: settings))
        try OverrideStore(schema: schema).revoke(connection, id: id, reason: reason, actor: PublishCommand.actor())
        print("override \(id) revoked: run pricing publish --reapply-overrides to apply it now, or wait for the next run")
      }
    }
  }

  /// One override on one line: id, status, kind and value, scope, days.
  static func line(_ record: OverrideStore.Record) -> String {
    let value = record.value.map { " " + String(format: "%.4f", $0) } ?? ""
    let scope = "\(record.category) in \(record.city ?? "every city"), \(record.experience_band ?? "every band")"
    return "\(record.id)  \(record.status)  \(record.kind)\(value)  \(scope)  \(record.valid_from)..\(record.valid_to)"
  }
}
