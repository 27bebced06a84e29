import Foundation
import Ingest
import Marketplace
import Postgres
import TestSupport
import Testing
import Warehouse

@Suite("Ingest faults: killed connections, concurrent runs, a source off-contract")
struct IngestFaultTests {
  /// A database whose source holds a seeded marketplace large enough for a run to take a moment.
  static func seeded(bookings: Int = 60_000) throws -> IngestFixture {
    let fixture = try IngestFixture(reference: false)
    try fixture.connection.execute(
      "DROP TABLE quotes, feedbacks, payments, bookings, services, providers, users, cities")
    _ = try MarketplaceSeeder(schema: SQLIdentifier(constant: "public"), logger: TestDatabase.quietLogger)
      .seed(
        spec: MarketplaceSpec(bookings: bookings, seed: 21, today: LocalDate(iso: "2026-06-15")!),
        conninfo: fixture.conninfo, replace: false)
    return fixture
  }

  @Test("the ingest connection terminated mid-run: exit 75, nothing half-done, and the next run matches a clean run")
  func terminatedMidRun() throws {
    let fixture = try Self.seeded()
    let clean = try Self.seeded()
    try clean.ingest()
    let expected = try clean.factsChecksum()

    // Start the ingest as cron would, and terminate its warehouse session while it streams bookings.
    let monitor = try Connection(conninfo: fixture.conninfo, logger: TestDatabase.quietLogger)
    let group = DispatchGroup()
    nonisolated(unsafe) var outcome: PricingBinary.Outcome?
    nonisolated(unsafe) var launchError: Error?
    group.enter()
    let conninfo = fixture.conninfo
    Thread.detachNewThread {
      do { outcome = try PricingBinary.run(["ingest", "--source", conninfo, "--quiet"]) } catch { launchError = error }
      group.leave()
    }
    var terminated = false
    let deadline = Date().addingTimeInterval(60)
    while !terminated && Date() < deadline {
      let killed = try monitor.query(
        """
        SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid()
          AND query LIKE 'COPY pg_temp.stage_bookings%'
        """
      ).scalar(Int.self)
      terminated = killed > 0
      if !terminated { Thread.sleep(forTimeInterval: 0.01) }
    }
    group.wait()
    #expect(launchError == nil)
    #expect(terminated)
    #expect(outcome?.status == 75)
    #expect(outcome?.standardError.hasPrefix("pricing: error: connection to ") == true)
    #expect(try fixture.scalar("SELECT count(*) FROM pricing.booking_facts", as: Int.self) == 0)
    #expect(try fixture.scalar("SELECT count(*) FROM pricing.ingest_watermarks", as: Int.self) == 0)
    #expect(
      try fixture.scalar("SELECT status FROM pricing.runs ORDER BY run_id DESC LIMIT 1", as: String.self) == "failed")

    try fixture.ingest()
    #expect(try fixture.factsChecksum() == expected)
  }

  @Test("two ingests at once: the second exits 75 at once and changes nothing")
  func concurrent() throws {
    let fixture = try IngestFixture()
    let holder = try Connection(conninfo: fixture.conninfo, logger: TestDatabase.quietLogger)
    #expect(try holder.tryAdvisoryLock(Ingestor.lockKey(fixture.schema)))
    let started = Date()
    let outcome = try PricingBinary.run(["ingest", "--source", fixture.conninfo, "--quiet"])
    #expect(outcome.status == 75)
    #expect(outcome.standardError == "pricing: error: another ingest holds the lock on schema pricing\n")
    #expect(Date().timeIntervalSince(started) < 5)
    #expect(try fixture.scalar("SELECT count(*) FROM pricing.runs", as: Int.self) == 0)
    #expect(try fixture.scalar("SELECT count(*) FROM pricing.booking_facts", as: Int.self) == 0)
    try holder.advisoryUnlock(Ingestor.lockKey(fixture.schema))
    #expect(try PricingBinary.run(["ingest", "--source", fixture.conninfo, "--quiet"]).status == 0)
  }

  @Test(
    "a source missing a table or a column exits 65 naming it; a missing quotes table is skipped",
    arguments: [
      (
        "ALTER TABLE bookings DROP COLUMN updated_at", 65,
        "pricing: error: source table public.bookings has no column updated_at\n"
      ),
      ("DROP TABLE payments", 65, "pricing: error: source table public.payments is missing\n"),
      ("DROP TABLE quotes", 0, ""),
    ])
  func offContract(statement: String, status: Int32, message: String) throws {
    let fixture = try IngestFixture()
    try fixture.connection.execute(statement)
    let outcome = try PricingBinary.run(["ingest", "--source", fixture.conninfo, "--quiet"])
    #expect(outcome.status == status)
    #expect(outcome.standardError == message)
    if status == 0 { #expect(outcome.standardOutput.contains("skipped (not in the source): quotes")) }
  }

  @Test(
    "a role without the grants exits 78 saying what it cannot read, not that a table is missing",
    arguments: [
      (
        "payments", "source",
        "pricing: error: source table public.payments is not readable by this role (column payment_id): grant it SELECT\n"
      ),
      ("", "warehouse", "pricing: error: permission denied for schema pricing (SQLSTATE 42501)\n"),
    ])
  func missingGrant(withheld: String, side: String, message: String) throws {
    let fixture = try IngestFixture()
    let role = "reader_\(UUID().uuidString.prefix(8).lowercased())"
    try fixture.connection.execute("CREATE ROLE \(role) LOGIN")
    defer { _ = try? fixture.connection.execute("DROP OWNED BY \(role); DROP ROLE \(role)") }
    for table in ["cities", "users", "providers", "services", "bookings", "payments", "feedbacks", "quotes"]
    where table != withheld {
      try fixture.connection.execute("GRANT SELECT ON public.\(table) TO \(role)")
    }
    let asRole = "\(fixture.conninfo) user=\(role)"
    let outcome = try PricingBinary.run([
      "ingest", "--source", side == "source" ? asRole : fixture.conninfo,
      "--warehouse", side == "warehouse" ? asRole : fixture.conninfo, "--quiet",
    ])
    #expect(outcome.status == 78)
    #expect(outcome.standardError == message)
    #expect(try fixture.scalar("SELECT count(*) FROM pricing.booking_facts", as: Int.self) == 0, "nothing loaded")
  }

  @Test("the source is only read: its tables are unchanged by an ingest")
  func sourceUntouched() throws {
    let fixture = try IngestFixture()
    let before = try fixture.scalar(
      "SELECT md5(string_agg(t::text, '|' ORDER BY booking_id)) FROM public.bookings t", as: String.self)
    try fixture.ingest()
    try fixture.ingest(full: true)
    #expect(
      try fixture.scalar(
        "SELECT md5(string_agg(t::text, '|' ORDER BY booking_id)) FROM public.bookings t", as: String.self) == before)
  }
}
