import Foundation
import Logging
import Marketplace
import Pipeline
import Postgres
import Reports
import TestSupport
import Testing
import Warehouse

/// A small seeded booking database shared by the run tests (read only: every test has its own warehouse).
final class SeededSource: @unchecked Sendable {
  static let shared = SeededSource()
  static let today = LocalDate(iso: "2026-06-15")!
  let conninfo: String

  private init() {
    do {
      conninfo = try TestDatabase.create(label: "runsrc")
      _ = try MarketplaceSeeder(schema: SQLIdentifier(constant: "public"), logger: TestDatabase.quietLogger).seed(
        spec: MarketplaceSpec(bookings: 100_000, seed: 11, today: Self.today, historyDays: 400, horizonDays: 28),
        conninfo: conninfo, replace: false)
    } catch {
      fatalError("could not seed the source: \(error)")
    }
  }
}

/// A fresh migrated warehouse and a runner over it.
struct RunFixture {
  let conninfo: String
  let connection: Connection
  let reportDirectory: URL

  init(source: String = SeededSource.shared.conninfo) throws {
    (conninfo, connection) = try TestDatabase.connect(label: "run")
    try Migrator(schema: try WarehouseSchema(), logger: TestDatabase.quietLogger).migrate(connection)
    reportDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("run-report-\(UUID().uuidString)")
    self.source = source
  }

  let source: String

  func config(report: String? = nil) -> PipelineConfig {
    var config = PipelineConfig()
    config.source = source
    config.warehouse = conninfo
    config.reportDirectory = report ?? reportDirectory.path
    config.policy.history_days = 365
    config.retryInitialDelaySeconds = 0.05
    config.retryMaxDelaySeconds = 0.2
    return config
  }

  /// A replay of the fixture's day (its data ends there).
  func runner(_ config: PipelineConfig) -> PipelineRunner {
    var runner = PipelineRunner(
      config: config, today: SeededSource.today, fullIngest: false, actor: "test", logger: TestDatabase.quietLogger,
      classify: { error in
        switch error {
        case let error as PipelineError: (error.code == .rejected ? 81 : 70, error.description)
        case is ReportError: (73, "\(error)")
        default: (70, "\(error)")
        }
      })
    runner.servingDay = SeededSource.today
    return runner
  }

  func steps(_ runID: Int64) throws -> [String] {
    try Connection(conninfo: conninfo, logger: TestDatabase.quietLogger).query(
      "SELECT step || ' ' || status || ' ' || coalesce(exit_code::text, '-') FROM pricing.run_steps WHERE run_id = \(runID) ORDER BY started_at"
    ).rows.map { try $0.decode(String.self, at: 0) }
  }

  /// A digest of the facts and the prices, equal for equal warehouses.
  func digest() throws -> [String] {
    let connection = try Connection(conninfo: conninfo, logger: TestDatabase.quietLogger)
    return try [
      "SELECT md5(string_agg(booking_id || ':' || status || ':' || charged_price || ':' || paid_amount || ':' || refunded_amount, ',' ORDER BY booking_id)) FROM pricing.booking_facts",
      "SELECT md5(string_agg(payment_id || ':' || status || ':' || amount, ',' ORDER BY payment_id)) FROM pricing.payment_facts",
      "SELECT md5(string_agg(source_table || ':' || source_key || ':' || rule, ',' ORDER BY source_table, source_key)) FROM pricing.quarantine",
      "SELECT md5(string_agg(category || city || experience_band || valid_on || ':' || multiplier, ',' ORDER BY category, city, experience_band, valid_on)) FROM pricing.current_multipliers",
    ].map { try connection.query(SQLQuery(unsafeSQL: $0)).scalar(String.self) }
  }
}

@Suite("pricing run: steps, lock, failures, retries", .serialized)
struct PipelineRunnerTests {
  @Test("a first run ingests, fits, publishes and reports, each step recorded; a second run converges")
  func fullRun() throws {
    let fixture = try RunFixture()
    defer { try? FileManager.default.removeItem(at: fixture.reportDirectory) }
    let outcome = try fixture.runner(fixture.config()).run()
    #expect(outcome.exitCode == 0)
    #expect(outcome.steps.map(\.status) == ["succeeded", "succeeded", "succeeded", "succeeded"])
    #expect(
      try fixture.steps(outcome.runID) == [
        "ingest succeeded 0", "fit succeeded 0", "publish succeeded 0", "report succeeded 0",
      ])
    let run = try fixture.connection.query(
      "SELECT command, status, exit_code FROM pricing.runs WHERE run_id = \(outcome.runID)"
    ).single()
    #expect(try run.decode(String.self, at: 0) == "run")
    #expect(try run.decode(String.self, at: 1) == "succeeded")
    #expect(try fixture.connection.query("SELECT count(*) FROM pricing.current_multipliers").scalar(Int.self) > 0)
    let index = fixture.reportDirectory.appendingPathComponent("index.html")
    #expect(outcome.reportPath == index.path)
    let html = try String(contentsOf: index, encoding: .utf8)
    #expect(html.contains("ingest succeeded"))
    // An immediate re-run changes no facts and publishes the same prices.
    let before = try fixture.digest()
    let again = try fixture.runner(fixture.config()).run()
    #expect(again.exitCode == 0)
    #expect(try fixture.digest() == before)
  }

  @Test("while another run holds the lock, a run fails at once and records nothing")
  func locked() throws {
    let fixture = try RunFixture()
    let holder = try Connection(conninfo: fixture.conninfo, logger: TestDatabase.quietLogger)
    #expect(try holder.tryAdvisoryLock(PipelineRunner.lockKey(try WarehouseSchema())))
    #expect(throws: PipelineError.self) { try fixture.runner(fixture.config()).run() }
    #expect(try fixture.connection.query("SELECT count(*) FROM pricing.runs").scalar(Int.self) == 0)
  }

  @Test("a failed step skips the later ones except the report, which shows the failure")
  func failedStepStillReports() throws {
    // A source with the booking platform's tables but no rows: ingest succeeds, fit finds no data.
    let source = try TestDatabase.create(label: "emptysrc")
    try Connection(conninfo: source, logger: TestDatabase.quietLogger).execute(SourceSchema.sql)
    let fixture = try RunFixture(source: source)
    defer { try? FileManager.default.removeItem(at: fixture.reportDirectory) }
    let outcome = try fixture.runner(fixture.config()).run()
    #expect(outcome.steps.map(\.status) == ["succeeded", "failed", "skipped", "succeeded"])
    #expect(outcome.exitCode == 70)
    #expect(
      try fixture.steps(outcome.runID) == [
        "ingest succeeded 0", "fit failed 70", "publish skipped -", "report succeeded 0",
      ])
    let html = try String(contentsOf: fixture.reportDirectory.appendingPathComponent("index.html"), encoding: .utf8)
    #expect(html.contains("fit failed"))
    #expect(html.contains("publish skipped"))
  }

  @Test("an unwritable report folder fails the report step with its code; the prices are still published")
  func unwritableReport() throws {
    let fixture = try RunFixture()
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-dir-\(UUID().uuidString)")
    try Data("x".utf8).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let outcome = try fixture.runner(fixture.config(report: file.path + "/report")).run()
    #expect(outcome.steps.map(\.status) == ["succeeded", "succeeded", "succeeded", "failed"])
    #expect(outcome.exitCode == 73)
    #expect(outcome.steps.last?.error?.hasSuffix("Not a directory") == true)
    #expect(try fixture.connection.query("SELECT count(*) FROM pricing.current_multipliers").scalar(Int.self) > 0)
  }

  @Test(
    "connections terminated during ingest (as by a restart): the step is retried and the result equals an undisturbed run"
  )
  func terminatedDuringIngest() throws {
    let calm = try RunFixture()
    let disturbed = try RunFixture()
    defer {
      try? FileManager.default.removeItem(at: calm.reportDirectory)
      try? FileManager.default.removeItem(at: disturbed.reportDirectory)
    }
    #expect(try calm.runner(calm.config()).run().exitCode == 0)

    // Terminate every backend of the disturbed warehouse once one of them is copying.
    let database = String(disturbed.conninfo.dropFirst("dbname=".count))
    let done = Flag()
    let thread = Thread {
      guard let killer = try? Connection(conninfo: "dbname=postgres", logger: TestDatabase.quietLogger) else { return }
      let deadline = Date().addingTimeInterval(60)
      while Date() < deadline && !done.value {
        let copying =
          (try? killer.query(
            """
            SELECT count(*) FROM pg_stat_activity
            WHERE datname = \(database) AND state = 'active' AND query ILIKE 'COPY%'
            """
          ).scalar(Int.self)) ?? 0
        if copying > 0 {
          _ = try? killer.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = \(database) AND pid <> pg_backend_pid()"
          )
          done.set()
          return
        }
        Thread.sleep(forTimeInterval: 0.002)
      }
    }
    thread.start()
    let outcome = try disturbed.runner(disturbed.config()).run()
    done.set()
    #expect(outcome.exitCode == 0)
    #expect(outcome.steps.first?.attempts ?? 0 >= 2)
    #expect(try disturbed.digest() == calm.digest())
  }
}

final class Flag: @unchecked Sendable {
  private let lock = NSLock()
  private var stored = false
  var value: Bool { lock.withLock { stored } }
  func set() { lock.withLock { stored = true } }
}
