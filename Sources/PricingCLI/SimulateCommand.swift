import ArgumentParser
import Fitting
import Foundation
import Pipeline

/// `pricing simulate`: the closed loop on a seeded market (docs/cli.md; docs/model.md, "Learning while
/// pricing"). For benchmarks and tests: it appends bookings to the source, which only a seeded one allows.
struct SimulateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "simulate",
    abstract: "Run the nightly job day after day on a seeded market that books at the prices it publishes.",
    discussion: """
      Each simulated day, from the seed's snapshot day on: the nightly run prices from that day (ingest, and on a \
      refit day fit and publish; no report), then the market books during the day, its true demand answering the \
      prices serving, and the bookings and payments are appended to the source. Deterministic for a seed; resumes \
      where it stopped. Refuses (exit 65) a source pricing seed did not write, and a first day on a warehouse \
      schema that already published prices.
      """)

  @OptionGroup var options: GlobalOptions

  @Option(help: "Days to simulate in all (a resumed simulation continues up to this many).")
  var days: Int = 30

  @Option(help: "Refit nightly or weekly (weekly: every seventh day from the first; other days ingest only).")
  var refit: String = "nightly"

  @Option(name: .customLong("log-csv"), help: "Write the per-day log as CSV to this file (rewritten after every day).")
  var logCSV: String?

  @Option(name: .customLong("log-json"), help: "Write the per-day log as a JSON array to this file (rewritten after every day).")
  var logJSON: String?

  @Flag(help: "Delete what an earlier simulation appended to the source and start again (use a fresh warehouse schema).")
  var restart = false

  func validate() throws {
    guard days >= 1 && days <= 3_650 else { throw ValidationError("--days must be between 1 and 3650") }
    guard ClosedLoopSimulator.Refit(rawValue: refit) != nil else {
      throw ValidationError("--refit must be nightly or weekly")
    }
  }

  func run() throws {
    try reportingFailures {
      let settings = try options.settings()
      let logger = options.makeLogger("simulate", settings: settings)
      for path in [logCSV, logJSON].compactMap({ $0 }) { try OutputFile.checkDestination(path) }
      var simulator = ClosedLoopSimulator(
        config: settings, days: days, refit: ClosedLoopSimulator.Refit(rawValue: refit) ?? .nightly, logger: logger,
        classify: { error in
          let failure = CommandFailure.from(error)
          return (failure.status.rawValue, failure.message)
        })
      simulator.restart = restart
      let (logCSV, logJSON) = (logCSV, logJSON)
      simulator.onDay = { day, all in
        print(Self.line(day))
        if let logCSV { try OutputFile.replace(logCSV) { try $0.write(contentsOf: Data(SimulatedDayLog.csv(all).utf8)) } }
        if let logJSON {
          let data = try SimulatedDayLog.encoder(pretty: true).encode(all)
          try OutputFile.replace(logJSON) { try $0.write(contentsOf: data) }
        }
      }
      let logs = try simulator.run()
      print("simulated \(logs.count) days")
    }
  }

  /// One day as the text output shows it.
  static func line(_ day: SimulatedDayLog) -> String {
    var line = "\(day.day): \(day.bookings) bookings, run \(day.run_status)\(day.refit ? " (refit)" : "")"
    for value in day.value {
      line += String(format: ", %@ capture %@", value.currency, value.capture.map { String(format: "%.2f", $0) } ?? "n/a")
    }
    let learned = day.elasticities.filter { $0.source != "prior" }.count
    line += ", \(learned) of \(day.elasticities.count) elasticities estimated"
    return line
  }
}
