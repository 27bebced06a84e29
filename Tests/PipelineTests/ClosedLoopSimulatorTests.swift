import Foundation
import Marketplace
import Pipeline
import Postgres
import Reports
import TestSupport
import Testing
import Warehouse

/// A seeded list-price market of its own (a simulation appends to its source) and a fresh warehouse.
struct SimulationFixture {
  static let today = LocalDate(iso: "2026-06-15")!
  let source: String
  let warehouse: String

  init(source: String, warehouse: String) {
    self.source = source
    self.warehouse = warehouse
  }

  init(seed: Bool = true) throws {
    source = try TestDatabase.create(label: "simsrc")
    warehouse = try TestDatabase.create(label: "simwh")
    if seed {
      _ = try MarketplaceSeeder(schema: SQLIdentifier(constant: "public"), logger: TestDatabase.quietLogger).seed(
        spec: MarketplaceSpec(
          bookings: 40_000, seed: 21, today: Self.today, historyDays: 400, horizonDays: 28, plantAnomalies: false,
          shape: .listPrice),
        conninfo: source, replace: false)
    }
  }

  func simulator(days: Int, refit: ClosedLoopSimulator.Refit = .nightly) -> ClosedLoopSimulator {
    var config = PipelineConfig()
    config.source = source
    config.warehouse = warehouse
    config.reportDirectory = ""
    config.policy.history_days = 365
    config.model.selectStructure = false
    return ClosedLoopSimulator(
      config: config, days: days, refit: refit, logger: TestDatabase.quietLogger,
      classify: { error in ((error as? PipelineError)?.code == .rejected ? 81 : 70, "\(error)") })
  }

  /// The bookings and payments of the source, equal for equal sources.
  func sourceDigest() throws -> [String] {
    let connection = try Connection(conninfo: source, logger: TestDatabase.quietLogger)
    return try [
      "SELECT md5(string_agg(booking_id || ':' || service_id || ':' || user_id || ':' || price || ':' || scheduled_for || ':' || booking_time, ',' ORDER BY booking_id)) FROM bookings",
      "SELECT md5(string_agg(payment_id || ':' || booking_id || ':' || amount, ',' ORDER BY payment_id)) FROM payments",
    ].map { try connection.query(SQLQuery(unsafeSQL: $0)).scalar(String.self) }
  }

  /// Whether two simulations logged the same days: equal but for the wall-clock time and the last bits of
  /// numbers that went through the database's JSON.
  static func same(_ first: [SimulatedDayLog], _ second: [SimulatedDayLog]) throws -> Bool {
    func tree(_ logs: [SimulatedDayLog]) throws -> Any {
      return try JSONSerialization.jsonObject(with: SimulatedDayLog.encoder().encode(logs.map { log -> SimulatedDayLog in
        var log = log
        log.seconds = 0
        return log
      }))
    }
    func equal(_ a: Any, _ b: Any) -> Bool {
      switch (a, b) {
      case let (a as [Any], b as [Any]): return a.count == b.count && zip(a, b).allSatisfy { equal($0, $1) }
      case let (a as [String: Any], b as [String: Any]):
        return Set(a.keys) == Set(b.keys) && a.keys.allSatisfy { equal(a[$0]!, b[$0]!) }
      case let (a as NSNumber, b as NSNumber):
        return abs(a.doubleValue - b.doubleValue) <= 1e-12 * max(1, abs(a.doubleValue))
      case let (a as String, b as String): return a == b
      default: return a is NSNull && b is NSNull
      }
    }
    return equal(try tree(first), try tree(second))
  }
}

@Suite("pricing simulate: the closed loop on a seeded market", .serialized)
struct ClosedLoopSimulatorTests {
  @Test("deterministic for a seed; a simulation resumed after its second day ends as an uninterrupted one")
  func deterministicAndResumable() throws {
    let interrupted = try SimulationFixture()
    let first = try interrupted.simulator(days: 2).run()
    #expect(first.count == 2)
    // Stopped after the second night's run, before the second day's bookings were committed: the day is
    // `priced`, its bookings are not in the source (the transaction that appends them records `booked`).
    let stopped = try Connection(conninfo: interrupted.source, logger: TestDatabase.quietLogger)
    try stopped.transaction { connection in
      let seedLast = try connection.query("SELECT last_booking_id FROM synthetic_market").scalar(Int64.self)
      let dayOneLast = seedLast + Int64(first[0].bookings)
      let seedPayments = try connection.query("SELECT last_payment_id FROM synthetic_market").scalar(Int64.self)
      try connection.query("DELETE FROM payments WHERE payment_id > \(seedPayments + Int64(first[0].bookings))")
      try connection.query("DELETE FROM bookings WHERE booking_id > \(dayOneLast)")
      try connection.execute("UPDATE simulation_days SET phase = 'priced' WHERE day = '2026-06-16'")
    }
    let resumed = try interrupted.simulator(days: 3).run()
    #expect(resumed.count == 3)
    #expect(try SimulationFixture.same(Array(resumed.prefix(2)), first))

    let straight = try SimulationFixture()
    let whole = try straight.simulator(days: 3).run()
    #expect(try SimulationFixture.same(whole, resumed))
    #expect(try straight.sourceDigest() == interrupted.sourceDigest())

    // What the days did: each priced by its own run, booked at the prices serving, logged.
    #expect(whole.map(\.day) == ["2026-06-15", "2026-06-16", "2026-06-17"])
    for day in whole {
      #expect(day.refit)
      #expect(day.run_status == "succeeded")
      #expect(day.bookings > 0)
      #expect(day.serving_version_id != nil)
      #expect(day.elasticities.count == 10)
      #expect(!day.value.isEmpty)
      #expect((day.explored_cells ?? 0) > 0)
      #expect((day.exploration_cost_share ?? 1) <= 0.01 + 1e-9)
    }
    // A list-price history identifies no elasticity: every one starts at the prior.
    #expect(whole[0].elasticities.allSatisfy { $0.source == "prior" && $0.estimate == -1 })
    let source = try Connection(conninfo: straight.source, logger: TestDatabase.quietLogger)
    let appended = try source.query(
      "SELECT count(*) FROM bookings WHERE booking_id > (SELECT last_booking_id FROM synthetic_market)"
    ).scalar(Int.self)
    #expect(appended == whole.reduce(0) { $0 + $1.bookings })
    // Every simulated booking was ingested by the next night (the last day's by none yet).
    let warehouse = try Connection(conninfo: straight.warehouse, logger: TestDatabase.quietLogger)
    let ingested = try warehouse.query(
      "SELECT count(*) FROM pricing.booking_facts WHERE booking_id > \(try source.query("SELECT last_booking_id FROM synthetic_market").scalar(Int64.self))"
    ).scalar(Int.self)
    #expect(ingested == whole[0].bookings + whole[1].bookings)
    // The report's Learning section over the loop's runs.
    let report = try ReportGenerator(schema: try WarehouseSchema(), logger: TestDatabase.quietLogger).generate(
      warehouse, period: try ReportPeriod(from: SimulationFixture.today, to: SimulationFixture.today.adding(days: 2)))
    let status = try #require(report.tables["learning_status"])
    #expect(status.rows.count == 10)
    #expect(Set(status.texts("status")).isSubset(of: ["prior", "learning", "still learning", "estimated"]))
    #expect(status.numbers("explored_days").allSatisfy { ($0 ?? -1) >= 0 })
    let history = try #require(report.tables["elasticity_history"])
    #expect(history.rows.count == 3 * 10)
    let budget = try #require(report.tables["exploration_budget"])
    #expect(!budget.rows.isEmpty)
    #expect(budget.numbers("cost_share").allSatisfy { ($0 ?? 1) <= 0.01 })
    #expect(budget.texts("published").allSatisfy { $0 == "true" })
    // The CSV log: a header and a row per day.
    let csv = SimulatedDayLog.csv(whole).split(separator: "\n")
    #expect(csv.count == 4)
    #expect(csv[0].hasPrefix("day,refit,run_id,run_status,run_exit_code,serving_run_id,serving_version_id,bookings,"))
  }

  @Test("weekly refits fit on the first day and ingest alone on the others")
  func weekly() throws {
    let fixture = try SimulationFixture()
    let days = try fixture.simulator(days: 2, refit: .weekly).run()
    #expect(days.map(\.refit) == [true, false])
    #expect(days[1].serving_run_id == days[0].serving_run_id)
    let warehouse = try Connection(conninfo: fixture.warehouse, logger: TestDatabase.quietLogger)
    #expect(try warehouse.query("SELECT count(*) FROM pricing.model_runs").scalar(Int.self) == 1)
  }

  @Test("refuses a source pricing seed did not write, and a first day on a warehouse that published")
  func refusals() throws {
    let unseeded = try SimulationFixture(seed: false)
    let source = try Connection(conninfo: unseeded.source, logger: TestDatabase.quietLogger)
    try source.execute("CREATE TABLE bookings (booking_id bigint PRIMARY KEY)")
    do {
      _ = try unseeded.simulator(days: 1).run()
      Issue.record("a source it did not seed was accepted")
    } catch let error as PipelineError {
      #expect(error.code == .notSimulatable)
      #expect(error.message == "source schema public was not written by pricing seed: pricing simulate only runs on a seeded market")
    }

    let used = try SimulationFixture()
    _ = try used.simulator(days: 1).run()
    var again = used.simulator(days: 1)
    again.restart = true
    do {
      _ = try again.run()
      Issue.record("a warehouse that published was accepted for a first day")
    } catch let error as PipelineError {
      #expect(error.code == .notSimulatable)
      #expect(error.message == "warehouse schema pricing already holds published prices: a simulation starts from a fresh schema")
    }
    // Refused before it touched anything: the simulated day is still there.
    let seeded = try Connection(conninfo: used.source, logger: TestDatabase.quietLogger)
    #expect(
      try seeded.query("SELECT count(*) FROM bookings WHERE booking_id > (SELECT last_booking_id FROM synthetic_market)")
        .scalar(Int.self) > 0)
    #expect(try seeded.query("SELECT count(*) FROM simulation_days").scalar(Int.self) == 1)
    // With a fresh warehouse the restart resets the source to the seed and simulates again from its first day.
    var fresh = SimulationFixture(source: used.source, warehouse: try TestDatabase.create(label: "simwh")).simulator(days: 1)
    fresh.restart = true
    let restarted = try fresh.run()
    #expect(restarted.map(\.day) == ["2026-06-15"])
    #expect(try seeded.query("SELECT count(*) FROM simulation_days").scalar(Int.self) == 1)
  }
}
