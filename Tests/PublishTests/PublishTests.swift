import Foundation
import Postgres
import Publish
import TestSupport
import Testing
import Warehouse

/// A migrated warehouse with two categories x two cities of active services and model runs whose
/// candidate tables the tests shape.
struct PublishFixture {
  let conninfo: String
  let connection: Connection
  let schema: WarehouseSchema
  /// Today (UTC): a published table must price the day being served (the `current` guardrail).
  static let asOf = LocalDate(daysSinceEpoch: Int((Date().timeIntervalSince1970 / 86_400).rounded(.down)))
  static let horizon = 3

  init() throws {
    (conninfo, connection) = try TestDatabase.connect(label: "publish")
    schema = try WarehouseSchema()
    try Migrator(schema: schema, logger: TestDatabase.quietLogger).migrate(connection)
    try connection.execute(
      """
      INSERT INTO pricing.cities VALUES ('Berlin', 'Europe/Berlin', 'DE', 1), ('Wien', 'Europe/Vienna', 'AT', 1);
      INSERT INTO pricing.providers (provider_id, experience_years, weekly_capacity, status, run_id)
        VALUES (1, 5, 20, 'active', 1);
      INSERT INTO pricing.services (service_id, category, city, price, currency, provider_id, active, run_id) VALUES
        (1, 'cleaning', 'Berlin', 50, 'EUR', 1, true, 1), (2, 'cleaning', 'Wien', 50, 'EUR', 1, true, 1),
        (3, 'moving', 'Berlin', 300, 'EUR', 1, true, 1), (4, 'moving', 'Wien', 300, 'EUR', 1, true, 1);
      """)
  }

  /// A publisher whose "today" is the fixture's as-of date.
  var publisher: Publisher {
    var publisher = Publisher(connection: connection, schema: schema, logger: TestDatabase.quietLogger)
    publisher.settings.today = Self.asOf
    return publisher
  }

  /// A model run whose multipliers come from `multiplier(category, city, band, day)`; nil leaves a cell out.
  @discardableResult
  func run(status: String = "fitted", _ multiplier: (String, String, String, Int) -> String?) throws -> Int64 {
    let runID = try connection.query(
      "INSERT INTO pricing.runs (command) VALUES ('fit') RETURNING run_id"
    ).scalar(Int64.self)
    try connection.query(
      """
      INSERT INTO pricing.model_runs (run_id, as_of, history_start, holdout_start, horizon_days, family, converged,
        iterations, status, reasons, config, coefficients, elasticities, metrics, timings)
      VALUES (\(runID), \(Self.asOf), '2024-06-15', '2026-05-18', \(Self.horizon), 'poisson', true, 5, \(status),
        \(status == "fitted" ? "{}" : "{\"did not beat the baseline\"}")::text[],
        '{"min_multiplier": 0.8, "max_multiplier": 1.5, "max_daily_change": 0.1}', '[]', '[]', '{}', '{}')
      """)
    for category in ["cleaning", "moving"] {
      for city in ["Berlin", "Wien"] {
        for band in ["junior", "experienced", "senior"] {
          for day in 0..<Self.horizon {
            guard let value = multiplier(category, city, band, day) else { continue }
            try connection.query(
              """
              INSERT INTO pricing.candidate_multipliers VALUES
                (\(runID), \(category), \(city), \(band), \(Self.asOf.adding(days: day)), \(value)::numeric)
              """)
          }
        }
      }
    }
    return runID
  }

  /// A run whose every multiplier is `multiplier`, published as the current version; returns the run.
  @discardableResult
  func publishedRun(every multiplier: String = "1.0000") throws -> Int64 {
    let runID = try run { _, _, _, _ in multiplier }
    _ = try publisher.publish(runID: runID, dryRun: false, force: false, actor: "test")
    return runID
  }

  func current() throws -> (version: Int64?, rows: Int) {
    let row = try connection.query("SELECT max(version_id), count(*) FROM pricing.current_multipliers").single()
    return (try row.decode(Int64?.self, at: 0), try row.decode(Int.self, at: 1))
  }
}

@Suite("Publish and rollback behind guardrails")
struct PublishTests {
  @Test("a fitted run is published whole, with a NOTIFY carrying its version; rollback moves back and forth")
  func publishAndRollback() throws {
    let fixture = try PublishFixture()
    let listener = try Connection(conninfo: fixture.conninfo, logger: TestDatabase.quietLogger)
    try listener.listen(SQLIdentifier("pricing_published"))
    let first = try fixture.run { _, _, _, _ in "1.0500" }
    let published = try fixture.publisher.publish(runID: first, dryRun: false, force: false, actor: "test")
    #expect(published.checks.allSatisfy { $0.passed })
    let v1 = try #require(published.versionID)
    #expect(try fixture.current() == (v1, 36) as (Int64?, Int))
    #expect(try listener.waitForNotification(timeout: 5)?.payload == String(v1))

    let second = try fixture.run { _, _, _, _ in "1.1000" }
    let v2 = try #require(
      try fixture.publisher.publish(runID: second, dryRun: false, force: false, actor: "test").versionID)
    #expect(try fixture.current() == (v2, 36) as (Int64?, Int))
    let back = try fixture.publisher.rollback(to: nil, actor: "test")
    #expect(back.versionID == v1)
    #expect(try fixture.current() == (v1, 36) as (Int64?, Int))
    _ = try fixture.publisher.rollback(to: v2, actor: "test")
    #expect(try fixture.current() == (v2, 36) as (Int64?, Int))
    let events = try fixture.connection.query(
      "SELECT string_agg(action, ',' ORDER BY event_id) FROM pricing.publish_events"
    ).scalar(String.self)
    #expect(events == "publish,publish,rollback,rollback")
    // The booking service's lookup is an index scan of the current run's candidates.
    let plan = try fixture.connection.query(
      """
      EXPLAIN SELECT multiplier FROM pricing.current_multipliers
      WHERE category = 'cleaning' AND city = 'Berlin' AND experience_band = 'senior' AND valid_on = \(PublishFixture.asOf.adding(days: 1))
      """
    ).rows.map { try $0.decode(String.self, at: 0) }.joined(separator: "\n")
    #expect(plan.contains("Index Scan using candidate_multipliers_pkey"), "\(plan)")
  }

  @Test(
    "a candidate outside the bounds, with a missing city or a NaN is rejected; readers see no change",
    arguments: [
      ("bounds", "1.6000"), ("coverage", "missing"), ("no_nan", "NaN"),
    ])
  func hardRejections(guardrail: String, bad: String) throws {
    let fixture = try PublishFixture()
    let good = try fixture.run { _, _, _, _ in "1.0000" }
    let v1 = try fixture.publisher.publish(runID: good, dryRun: false, force: false, actor: "test").versionID
    let badRun = try fixture.run { category, city, _, _ in
      category == "moving" && city == "Wien" ? (bad == "missing" ? nil : bad) : "1.0000"
    }
    let error = #expect(throws: PublishError.self) {
      try fixture.publisher.publish(runID: badRun, dryRun: false, force: true, actor: "test")
    }
    #expect(error?.code == .rejected)
    #expect(error?.message.contains(guardrail) == true)
    #expect(try fixture.current() == (v1, 36) as (Int64?, Int))
    #expect(
      try fixture.connection.query(
        "SELECT count(*) FROM pricing.publish_events WHERE action = 'reject' AND run_id = \(badRun)"
      ).scalar(Int.self) == 1)
  }

  @Test("drift and a rejected model block a publish unless forced, and --force is recorded")
  func softRejections() throws {
    let fixture = try PublishFixture()
    try fixture.publishedRun()
    let jump = try fixture.run { _, _, _, _ in "1.3000" }
    let drift = #expect(throws: PublishError.self) {
      try fixture.publisher.publish(runID: jump, dryRun: false, force: false, actor: "test")
    }
    #expect(drift?.message.contains("drift (36 of 36 cells move more than 10%") == true)
    let forced = try fixture.publisher.publish(runID: jump, dryRun: false, force: true, actor: "alice")
    #expect(forced.versionID != nil)
    let record = try fixture.connection.query(
      "SELECT forced, decided_by FROM pricing.publish_events WHERE version_id = \(forced.versionID!)"
    ).single()
    #expect(try record.decode(Bool.self, at: 0))
    #expect(try record.decode(String.self, at: 1) == "alice")

    let rejected = try fixture.run(status: "rejected") { _, _, _, _ in "1.3000" }
    let validation = #expect(throws: PublishError.self) {
      try fixture.publisher.publish(runID: rejected, dryRun: false, force: false, actor: "test")
    }
    #expect(
      validation?.message.hasPrefix(
        "prices of run \(rejected) rejected by validation (run \(rejected) was rejected: did not beat the baseline)")
        == true)
  }

  @Test("a dry run writes nothing")
  func dryRun() throws {
    let fixture = try PublishFixture()
    let run = try fixture.run { _, _, _, _ in "1.0000" }
    let outcome = try fixture.publisher.publish(runID: run, dryRun: true, force: false, actor: "test")
    #expect(outcome.action == "publish")
    #expect(outcome.rows == 36)
    #expect(try fixture.current() == (nil, 0) as (Int64?, Int))
    #expect(try fixture.connection.query("SELECT count(*) FROM pricing.price_versions").scalar(Int.self) == 0)
    #expect(try fixture.connection.query("SELECT count(*) FROM pricing.publish_events").scalar(Int.self) == 0)
  }

  @Test("readers during publishes and rollbacks always see exactly one complete version, without errors")
  func readersSeeOneVersion() throws {
    let fixture = try PublishFixture()
    let runs = try (0..<3).map { index in try fixture.run { _, _, _, _ in index % 2 == 0 ? "1.0000" : "1.0500" } }
    _ = try fixture.publisher.publish(runID: runs[0], dryRun: false, force: true, actor: "test")
    let stop = ManagedFlag()
    let group = DispatchGroup()
    let conninfo = fixture.conninfo
    let results = ReadLog()
    for _ in 0..<3 {
      group.enter()
      Thread.detachNewThread {
        defer { group.leave() }
        do {
          let reader = try Connection(conninfo: conninfo, logger: TestDatabase.quietLogger)
          while !stop.isSet {
            let row = try reader.query(
              "SELECT count(*), count(DISTINCT version_id) FROM pricing.current_multipliers"
            ).single()
            results.append((try row.decode(Int.self, at: 0), try row.decode(Int.self, at: 1)))
          }
        } catch {
          results.fail("\(error)")
        }
      }
    }
    // At least six flips, and more until the readers have read a few dozen times: on a loaded machine a
    // reader's query can take longer than a flip, and the test is about reads that overlap flips.
    var index = 0
    while index < 6 || (results.reads.count < 30 && index < 400) {
      defer { index += 1 }
      if index % 2 == 0 {
        _ = try fixture.publisher.publish(runID: runs[(index / 2) % 3], dryRun: false, force: true, actor: "test")
      } else {
        _ = try fixture.publisher.rollback(to: nil, actor: "test")
      }
    }
    stop.set()
    group.wait()
    #expect(results.failures.isEmpty, "\(results.failures)")
    #expect(results.reads.count > 10)
    #expect(results.reads.allSatisfy { $0 == (36, 1) })
  }

  @Test("two publishes at once: the second exits 75 and changes nothing")
  func concurrentPublish() throws {
    let fixture = try PublishFixture()
    let run = try fixture.run { _, _, _, _ in "1.0000" }
    let holder = try Connection(conninfo: fixture.conninfo, logger: TestDatabase.quietLogger)
    #expect(try holder.tryAdvisoryLock(Publisher.lockKey(fixture.schema)))
    let outcome = try PricingBinary.run(["publish", "--warehouse", fixture.conninfo, "--run", "\(run)", "--quiet"])
    #expect(outcome.status == 75)
    #expect(outcome.standardError == "pricing: error: another publish or rollback holds the lock on schema pricing\n")
    #expect(try fixture.current() == (nil, 0) as (Int64?, Int))
    try holder.advisoryUnlock(Publisher.lockKey(fixture.schema))
    let done = try PricingBinary.run(["publish", "--warehouse", fixture.conninfo, "--run", "\(run)", "--quiet"])
    #expect(done.status == 0)
    #expect(done.standardOutput.contains("published version "))
  }

  @Test("pricing publish reads the [publish] settings: a drift limit from the file, a bad setting exits 78")
  func publishSettings() throws {
    let fixture = try PublishFixture()
    try fixture.publishedRun()
    let next = try fixture.run { _, _, _, _ in "1.0600" }
    let arguments = ["publish", "--warehouse", fixture.conninfo, "--run", "\(next)", "--dry-run", "--quiet"]
    // A 6% move of every cell fails the default mean-change limit (5%) and passes the file's 10%.
    #expect(try PricingBinary.run(arguments).status == 81)
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("publish-\(UUID().uuidString).toml")
    try "[publish]\nmax_mean_absolute_change = 0.10\n".write(to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    let relaxed = try PricingBinary.run(arguments + ["--config", file.path])
    #expect(relaxed.status == 0)
    #expect(
      relaxed.standardOutput.contains("pass  drift: 0 of 36 cells move more than 10%; mean absolute change 6.00%"))
    let bad = try PricingBinary.run(arguments, environment: ["PRICING_PUBLISH_PAUSE_RATIO": "-1"])
    #expect(bad.status == 78)
    #expect(
      bad.standardError
        == "pricing: error: config PRICING_PUBLISH_PAUSE_RATIO: publish.pause_ratio must be between 0 and 100\n")
  }

  @Test("a rejected publish exits 81 on the command line")
  func rejectedExitCode() throws {
    let fixture = try PublishFixture()
    let run = try fixture.run { _, _, _, _ in "1.6000" }
    let outcome = try PricingBinary.run(["publish", "--warehouse", fixture.conninfo, "--run", "\(run)", "--quiet"])
    #expect(outcome.status == 81)
    #expect(outcome.standardOutput.contains("FAIL  bounds: 36 multipliers outside [0.8, 1.5]"))
  }
}

/// Thread-safe helpers for the readers test.
final class ManagedFlag: @unchecked Sendable {
  private let lock = NSLock()
  private var value = false
  var isSet: Bool { lock.withLock { value } }
  func set() { lock.withLock { value = true } }
}

final class ReadLog: @unchecked Sendable {
  private let lock = NSLock()
  private var storedReads: [(Int, Int)] = []
  private var storedFailures: [String] = []
  var reads: [(Int, Int)] { lock.withLock { storedReads } }
  var failures: [String] { lock.withLock { storedFailures } }
  func append(_ read: (Int, Int)) { lock.withLock { storedReads.append(read) } }
  func fail(_ message: String) { lock.withLock { storedFailures.append(message) } }

  @Test("a rollback to the version already current is refused and leaves the way back")
  func rollbackToCurrent() throws {
    let fixture = try PublishFixture()
    try fixture.publishedRun(every: "1.0000")
    try fixture.publishedRun(every: "1.0400")
    let current = try #require(try fixture.current().version)
    let error = #expect(throws: PublishError.self) { try fixture.publisher.rollback(to: current, actor: "t") }
    #expect(error?.code == .invalidRequest)
    #expect(error?.message == "version \(current) is already current; nothing changed")
    let back = try fixture.publisher.rollback(to: nil, actor: "t")
    #expect(back.versionID != current)
  }

  @Test("coverage requires exactly the pairs the fit prices: a provider suspended, pending, reactivated")
  func coverageFollowsProviders() throws {
    let fixture = try PublishFixture()
    // gardening in Berlin: an active service whose only provider is suspended.
    try fixture.connection.execute(
      """
      INSERT INTO pricing.providers (provider_id, experience_years, weekly_capacity, status, run_id)
        VALUES (2, 3, 10, 'suspended', 1);
      INSERT INTO pricing.services (service_id, category, city, price, currency, provider_id, active, run_id)
        VALUES (5, 'gardening', 'Berlin', 40, 'EUR', 2, true, 1);
      """)
    let run = try fixture.run { _, _, _, _ in "1.0000" }  // cleaning and moving only
    func coverage() throws -> GuardrailCheck {
      try #require(
        try fixture.publisher.publish(runID: run, dryRun: true, force: false, actor: "t").checks.first {
          $0.name == "coverage"
        })
    }
    #expect(try coverage().passed)
    try fixture.connection.execute("UPDATE pricing.providers SET status = 'active' WHERE provider_id = 2")
    let missing = try coverage()
    #expect(!missing.passed)
    #expect(missing.detail.hasPrefix("9 cells missing, e.g. gardening in Berlin"))
    try fixture.connection.execute("UPDATE pricing.providers SET status = 'pending' WHERE provider_id = 2")
    #expect(try coverage().passed)
  }

  @Test("a table that does not price today is refused, --force or not; bounds are the configuration's")
  func currentAndBounds() throws {
    let fixture = try PublishFixture()
    let run = try fixture.run { _, _, _, _ in "1.4000" }
    var past = fixture.publisher
    past.settings.today = PublishFixture.asOf.adding(days: PublishFixture.horizon)
    let error = #expect(throws: PublishError.self) {
      try past.publish(runID: run, dryRun: false, force: true, actor: "t")
    }
    let current = try #require(error?.checks.first { $0.name == "current" })
    #expect(!current.passed && !current.overridable)
    #expect(current.detail.hasSuffix(": a past table (fit it as of today)"))
    var tight = fixture.publisher
    tight.settings.bounds = 0.8...1.2
    let bounds = try #require(
      try tight.publish(runID: run, dryRun: true, force: true, actor: "t").checks.first { $0.name == "bounds" })
    #expect(!bounds.passed)
    #expect(bounds.detail == "36 multipliers outside [0.8, 1.2]")
  }

  @Test("publish without a run publishes the latest fit of a pricing run, never a manual fit")
  func defaultRun() throws {
    let fixture = try PublishFixture()
    let manual = try fixture.run { _, _, _, _ in "1.0000" }
    let error = #expect(throws: PublishError.self) {
      try fixture.publisher.publish(runID: nil, dryRun: true, force: false, actor: "t")
    }
    #expect(error?.message == "no model run of pricing run to publish: run pricing run, or name a manual fit with --run ID")
    let nightly = try fixture.run { _, _, _, _ in "1.0000" }
    let pipeline = try fixture.connection.query(
      "INSERT INTO pricing.runs (command, status) VALUES ('run', 'succeeded') RETURNING run_id"
    ).scalar(Int64.self)
    try fixture.connection.query(
      """
      INSERT INTO pricing.run_steps (run_id, step, status, details)
      VALUES (\(pipeline), 'fit', 'succeeded', jsonb_build_object('fit_run_id', \(String(nightly))::text))
      """)
    _ = try fixture.run { _, _, _, _ in "1.0000" }  // a later manual fit
    #expect(try fixture.publisher.publish(runID: nil, dryRun: true, force: false, actor: "t").runID == nightly)
    #expect(nightly > manual)
  }
}
