import ArgumentParser
import Fitting
import Foundation
import Postgres
import PricingModel

/// `pricing impact [--run N] [--against current|flat|RUN] [--format text|json]`: what a candidate table is
/// expected to do (docs/cli.md, docs/model.md "Impact").
struct ImpactCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "impact",
    abstract: "Expected bookings, GMV and utilisation of a model run's prices against the current ones or flat prices.")

  @OptionGroup var options: GlobalOptions

  @Option(name: .customLong("run"), help: "The model run (default: the latest).")
  var runID: Int64?

  @Option(help: "Compare against: current (the prices being served; flat before the first publish), flat, or a run id.")
  var against: String = "current"

  @Option(help: "Output format: text or json.")
  var format: String = "text"

  func validate() throws {
    guard format == "text" || format == "json" else { throw ValidationError("--format must be text or json") }
    guard against == "current" || against == "flat" || (Int64(against).map { $0 > 0 } ?? false) else {
      throw ValidationError("--against must be current, flat or a run id")
    }
  }

  func run() throws {
    try reportingFailures {
      let settings = try options.settings()
      let (connection, schema) = try options.connectWarehouse(
        settings, logger: options.makeLogger("impact", settings: settings))
      let run = try ModelRunStore(schema: schema).resolveRun(connection, runID)
      let comparison: ImpactStore.Against
      var label = against
      switch against {
      case "flat":
        comparison = .flat
      case "current":
        if let served = try connection.query("SELECT run_id FROM \(schema.table("current_version"))").rows.first {
          let servedRun = try served.decode(Int64.self, at: 0)
          comparison = .run(servedRun)
          label = "the current prices (run \(servedRun))"
        } else {
          comparison = .flat
          label = "flat prices (nothing is published yet)"
        }
      default:
        let other = try ModelRunStore(schema: schema).resolveRun(connection, Int64(against)!)
        comparison = .run(other)
        label = "run \(other)"
      }
      let status = try connection.query(
        "SELECT status, array_to_string(reasons, '; ') FROM \(schema.table("model_runs")) WHERE run_id = \(run)"
      ).single()
      if try status.decode(String.self, at: 0) != "fitted" {
        FileHandle.standardError.write(
          Data(
            "pricing: run \(run) was \(try status.decode(String.self, at: 0)) (\(try status.decode(String.self, at: 1))): publish refuses it\n"
              .utf8))
      }
      var estimate = try ImpactStore(schema: schema).estimate(connection, run: run, against: comparison)
      if format == "json" {
        estimate.against = label
        try JSONOutput.write(ImpactJSON(run_id: run, estimate: estimate))
      } else {
        print(Self.text(estimate, run: run, against: label))
      }
    }
  }

  struct ImpactJSON: Encodable {
    let run_id: Int64
    let estimate: PriceImpact.Estimate
  }

  /// The estimate as the text report (docs/cli.md shows an example).
  static func text(_ estimate: PriceImpact.Estimate, run: Int64, against: String) -> String {
    func percent(_ value: Double?) -> String { value.map { String(format: "%+.1f%%", $0 * 100) } ?? "n/a" }
    func money(_ value: Double) -> String { String(format: "%.0f", value) }
    func interval(_ value: PriceImpact.Interval?) -> String {
      value.map { "[\(percent($0.low)), \(percent($0.high))]" } ?? ""
    }
    var lines = [
      "run \(run) against \(against): expected over its \(estimate.cells) band-days with providers (90% intervals from the model's uncertainty)",
      String(
        format: "at the floor %.1f%%, at the ceiling %.1f%%, held back by the daily-change limit %.1f%% of cells",
        estimate.share_at_floor * 100, estimate.share_at_ceiling * 100, estimate.share_held_by_daily_limit * 100),
      "",
    ]
    func table(_ title: String, _ rows: [PriceImpact.Line], name: (PriceImpact.Line) -> String) {
      lines.append(title)
      let header = ["", "currency", "GMV", "against", "change", "90% interval", "bookings", "change", "utilisation"]
      var body = [header]
      for line in rows {
        body.append([
          name(line), line.currency, money(line.gmv), money(line.gmv_against), percent(line.gmv_change),
          interval(line.gmv_change_interval), String(format: "%.0f", line.bookings), percent(line.bookings_change),
          line.utilisation.map { String(format: "%.2f", $0) } ?? "n/a",
        ])
      }
      let widths = (0..<header.count).map { column in body.map { $0[column].count }.max() ?? 0 }
      for row in body {
        lines.append(
          zip(row, widths).enumerated().map { index, pair in
            index == 0 || index == 1
              ? pair.0.padding(toLength: pair.1, withPad: " ", startingAt: 0)
              : String(repeating: " ", count: pair.1 - pair.0.count) + pair.0
          }.joined(separator: "  "))
      }
      lines.append("")
    }
    table("Total", estimate.total) { _ in "total" }
    table("By category", estimate.by_category) { $0.category ?? "" }
    table("By city", estimate.by_city) { $0.city ?? "" }
    table("By band", estimate.by_band) { $0.band ?? "" }
    return lines.joined(separator: "\n")
  }
}
