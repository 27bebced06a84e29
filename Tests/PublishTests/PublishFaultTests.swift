import Foundation
import Postgres
import Publish
import TestSupport
import Testing
import Warehouse

@Suite("Publish faults, roles and retention")
struct PublishFaultTests {
  /// A fixture with many services and a large candidate table (so that checking a version takes a moment).
  static func large() throws -> (PublishFixture, Int64, Int64) {
    let fixture = try PublishFixture()
    try fixture.connection.execute(
      """
      INSERT INTO pricing.services (service_id, category, city, price, currency, provider_id, active, run_id)
      SELECT 100 + c * 1000 + k, 'cat' || c, 'Berlin', 10, 'EUR', 1, true, 1
      FROM generate_series(1, 2000) c, generate_series(1, 1) k
      """)
    func candidates(_ value: String) throws -> Int64 {
      let run = try fixture.run { _, _, _, _ in value }
      try fixture.connection.query(
        """
        INSERT INTO pricing.candidate_multipliers
        SELECT \(run), 'cat' || c, 'Berlin', b.band, \(PublishFixture.asOf) + d, \(value)::numeric
        FROM generate_series(1, 2000) c, pricing.experience_bands b, generate_series(0, \(Int32(PublishFixture.horizon - 1))) d
        """)
      return run
    }
    return (fixture, try candidates("1.0000"), try candidates("1.0500"))
  }

  @Test(
    "the publishing connection terminated while checking the drift: the old version still serves whole; the next publish succeeds"
  )
  func terminatedWhileChecking() throws {
    let (fixture, first, second) = try Self.large()
    let v1 = try #require(
      try fixture.publisher.publish(runID: first, dryRun: false, force: true, actor: "test").versionID)
    let before = try fixture.current()
    let victim = try Connection(conninfo: fixture.conninfo, logger: TestDatabase.quietLogger)
    let killer = try Connection(conninfo: fixture.conninfo, logger: TestDatabase.quietLogger)
    let pid = victim.backendPID
    let group = DispatchGroup()
    group.enter()
    let conninfo = fixture.conninfo
    Thread.detachNewThread {
      defer { group.leave() }
      guard let watcher = try? Connection(conninfo: conninfo, logger: TestDatabase.quietLogger) else { return }
      let deadline = Date().addingTimeInterval(30)
      while Date() < deadline {
        let killed =
          (try? watcher.query(
            """
            SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
            WHERE pid = \(pid) AND query LIKE '%changes AS MATERIALIZED%'
            """
          ).scalar(Int.self)) ?? 0
        if killed > 0 { return }
      }
    }
    var publisher = Publisher(connection: victim, schema: fixture.schema, logger: TestDatabase.quietLogger)
    publisher.settings.today = PublishFixture.asOf
    let error = #expect(throws: PostgresError.self) {
      try publisher.publish(runID: second, dryRun: false, force: true, actor: "test")
    }
    group.wait()
    #expect(error?.code == .connectionLost)
    #expect(try fixture.current() == before)
    #expect(before.version == v1)
    _ = killer
    let next = try fixture.publisher.publish(runID: second, dryRun: false, force: true, actor: "test")
    #expect(try fixture.current() == (next.versionID, before.rows) as (Int64?, Int))
  }

  @Test("the publishing process killed with SIGKILL mid-publish: the old version still serves whole")
  func killedProcess() throws {
    let (fixture, first, second) = try Self.large()
    _ = try fixture.publisher.publish(runID: first, dryRun: false, force: true, actor: "test")
    let before = try fixture.current()
    let process = try PricingBinary.start([
      "publish", "--warehouse", fixture.conninfo, "--run", "\(second)", "--force", "--quiet",
    ])
    let deadline = Date().addingTimeInterval(30)
    var killed = false
    while Date() < deadline && process.isRunning {
      let checking = try fixture.connection.query(
        """
        SELECT count(*) FROM pg_stat_activity
        WHERE query LIKE '%changes AS MATERIALIZED%' AND state = 'active' AND pid <> pg_backend_pid()
        """
      ).scalar(Int.self)
      if checking > 0 {
        kill(process.processIdentifier, SIGKILL)
        killed = true
        break
      }
    }
    process.waitUntilExit()
    #expect(killed)
    // The server notices the dead client and rolls its transaction back.
    Thread.sleep(forTimeInterval: 0.5)
    #expect(try fixture.current() == before)
    let next = try fixture.publisher.publish(runID: second, dryRun: false, force: true, actor: "test")
    #expect(next.versionID != nil)
  }

  @Test("pruning keeps the current and the previous version whatever their age")
  func retention() throws {
    let fixture = try PublishFixture()
    var versions: [Int64] = []
    for _ in 0..<4 {
      let run = try fixture.run { _, _, _, _ in "1.0000" }
      versions.append(
        try #require(try fixture.publisher.publish(runID: run, dryRun: false, force: true, actor: "t").versionID))
    }
    try fixture.connection.execute("UPDATE pricing.price_versions SET created_at = now() - interval '200 days'")
    #expect(try fixture.publisher.prune() == 2)
    let left = try fixture.connection.query("SELECT version_id FROM pricing.price_versions ORDER BY 1").rows.map {
      try $0.decode(Int64.self, at: 0)
    }
    #expect(left == Array(versions.suffix(2)))
    // Only the remaining versions have rows.
    #expect(
      try fixture.connection.query("SELECT count(DISTINCT version_id) FROM pricing.published_multipliers").scalar(
        Int.self)
        == 2)
  }

  @Test("a pruning failure after the flip is a warning: the new version serves and the publish succeeds")
  func pruningFailureAfterTheFlip() throws {
    let fixture = try PublishFixture()
    for _ in 0..<3 {
      let run = try fixture.run { _, _, _, _ in "1.0000" }
      _ = try fixture.publisher.publish(runID: run, dryRun: false, force: true, actor: "t")
    }
    try fixture.connection.execute("UPDATE pricing.price_versions SET created_at = now() - interval '200 days'")
    try fixture.connection.execute(
      """
      CREATE FUNCTION pg_temp.refuse() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'pruning refused by the test'; END $$;
      CREATE TRIGGER refuse_prune BEFORE DELETE ON pricing.price_versions
        FOR EACH ROW EXECUTE FUNCTION pg_temp.refuse();
      """)
    let run = try fixture.run { _, _, _, _ in "1.0000" }
    let outcome = try fixture.publisher.publish(runID: run, dryRun: false, force: true, actor: "t")
    let version = try #require(outcome.versionID)
    #expect(try fixture.current().version == version)
    #expect(try fixture.current().rows > 0)
    // The expired versions are still there (pruning was refused); the next publish will prune them.
    #expect(try fixture.connection.query("SELECT count(*) FROM pricing.price_versions").scalar(Int.self) == 4)
  }

  @Test(
    "old runs lose their candidates once no version names them; the versions' runs and recent runs keep theirs")
  func candidateRetention() throws {
    let fixture = try PublishFixture()
    var runs: [Int64] = []
    for _ in 0..<4 {
      let run = try fixture.run { _, _, _, _ in "1.0000" }
      runs.append(run)
      _ = try fixture.publisher.publish(runID: run, dryRun: false, force: true, actor: "t")
    }
    let unpublished = try fixture.run { _, _, _, _ in "1.0000" }
    let recent = try fixture.run { _, _, _, _ in "1.0000" }
    let old = runs + [unpublished]
    try fixture.connection.execute(
      "UPDATE pricing.runs SET started_at = now() - interval '200 days' WHERE run_id <= \(unpublished)")
    // Every published run still has a version (none is older than the retention): only the unpublished run
    // loses its candidates.
    #expect(try fixture.publisher.pruneCandidates() == 1)
    // The first version expires (the second is recent; the third and fourth are the previous and current).
    try fixture.connection.execute(
      "UPDATE pricing.price_versions SET created_at = now() - interval '200 days' WHERE run_id = \(runs[0])")
    #expect(try fixture.publisher.prune() == 1)
    #expect(try fixture.publisher.pruneCandidates() == 1)
    let withCandidates = try fixture.connection.query(
      "SELECT DISTINCT run_id FROM pricing.candidate_multipliers ORDER BY 1"
    ).rows.map { try $0.decode(Int64.self, at: 0) }
    #expect(withCandidates == [runs[1], runs[2], runs[3], recent])
    // A version within the retention whose run is old can still be rolled back to, whole.
    let second = try fixture.connection.query(
      "SELECT version_id FROM pricing.price_versions WHERE run_id = \(runs[1])"
    ).scalar(Int64.self)
    let before = try fixture.current()
    _ = try fixture.publisher.rollback(to: second, actor: "t")
    #expect(try fixture.current() == (second, before.rows) as (Int64?, Int))
    // The runs themselves stay, and the current prices still serve.
    #expect(
      try fixture.connection.query("SELECT count(*) FROM pricing.model_runs").scalar(Int.self) == old.count + 1)
    #expect(try fixture.connection.query("SELECT count(*) FROM pricing.current_multipliers").scalar(Int.self) > 0)
    #expect(try fixture.publisher.pruneCandidates() == 0)
    // `pricing explain` on a pruned run says so.
    let explain = try PricingBinary.run([
      "explain", "--warehouse", fixture.conninfo, "--run", String(unpublished), "--category", "cat1", "--city", "city1",
      "--date", "2026-12-01",
    ])
    #expect(explain.status == 65)
    #expect(
      explain.standardError
        == "pricing: error: the multipliers of run \(unpublished) were pruned (runs older than publish.retention_days keep their model, not their multipliers)\n"
    )
  }

  @Test("migrate creates a read-only role that may read the view and the bands, and nothing else")
  func readerRole() throws {
    let fixture = try PublishFixture()
    let role = "reader_\(UUID().uuidString.prefix(8).lowercased())"
    let outcome = try PricingBinary.run(["migrate", "--warehouse", fixture.conninfo, "--reader-role", role, "--quiet"])
    #expect(outcome.status == 0)
    #expect(
      outcome.standardOutput.contains("role \(role) may read pricing.current_multipliers and pricing.experience_bands"))
    let reader = try Connection(conninfo: fixture.conninfo + " user=\(role)", logger: TestDatabase.quietLogger)
    #expect(try reader.query("SELECT count(*) FROM pricing.current_multipliers").scalar(Int.self) == 0)
    #expect(try reader.query("SELECT count(*) FROM pricing.experience_bands").scalar(Int.self) == 3)
    let denied = #expect(throws: PostgresError.self) {
      try reader.query("SELECT count(*) FROM pricing.published_multipliers")
    }
    #expect(denied?.sqlState == "42501")
    let write = #expect(throws: PostgresError.self) { try reader.query("DELETE FROM pricing.experience_bands") }
    #expect(write?.sqlState == "42501")
    // The lookup function: the band from the years, 1 and the current version's id when no row matches.
    let first = try fixture.run { _, _, band, _ in band == "senior" ? "1.2500" : "0.9000" }
    let version = try #require(try fixture.publisher.publish(runID: first, dryRun: false, force: false, actor: "t").versionID)
    let day = PublishFixture.asOf.adding(days: 1)
    func lookup(_ years: Double, _ city: String = "Berlin", _ date: LocalDate? = nil) throws -> (String, Int64?) {
      let row = try reader.query(
        "SELECT multiplier::text, version_id FROM pricing.multiplier('cleaning', \(city), \(years)::numeric, \(date ?? day))"
      ).single()
      return (try row.decode(String.self, at: 0), try row.decode(Int64?.self, at: 1))
    }
    #expect(try lookup(12) == ("1.2500", version))
    #expect(try lookup(10) == ("1.2500", version))
    #expect(try lookup(9.9) == ("0.9000", version))
    #expect(try lookup(0) == ("0.9000", version))
    #expect(try lookup(5, "Paris") == ("1.0000", version))
    #expect(try lookup(.nan) == ("1.0000", version))
    #expect(try lookup(-1) == ("1.0000", version))
    #expect(try lookup(5, "Berlin", PublishFixture.asOf.adding(days: 100)) == ("1.0000", version))
  }
}
