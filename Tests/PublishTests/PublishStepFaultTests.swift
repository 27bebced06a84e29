import Foundation
import Postgres
import Publish
import TestSupport
import Testing
import Warehouse

/// The publishing process killed, or its connection terminated, at each step of a publish. A step is
/// caught by making it wait: the test holds a lock the step needs (the candidates, for the guardrails;
/// the pointer row, for the flip), sees the publisher waiting on it, and kills it there.
@Suite("Publish killed at each step", .serialized)
struct PublishStepFaultTests {
  enum Step: String, CaseIterable, CustomStringConvertible {
    /// Reading the candidates: validation, coverage, bounds, drift.
    case guardrails
    /// The one-row pointer's transaction: the new version's record, the pointer, the event.
    case flip
    var description: String { rawValue }

    /// The statement that makes the step wait while the test's transaction is open.
    var blocker: String {
      switch self {
      case .guardrails: "LOCK TABLE pricing.candidate_multipliers IN ACCESS EXCLUSIVE MODE"
      case .flip: "SELECT version_id FROM pricing.current_version FOR UPDATE"
      }
    }
  }

  enum Kill: String, CaseIterable, CustomStringConvertible {
    case terminateConnection, sigkill
    var description: String { rawValue }
  }

  /// The backend of the fixture's database waiting on a lock, once there is one (within 20 s).
  static func waitingBackend(_ watcher: Connection, database: String) throws -> Int32? {
    let deadline = Date().addingTimeInterval(20)
    while Date() < deadline {
      if let pid = try watcher.query(
        """
        SELECT pid FROM pg_stat_activity
        WHERE datname = \(database) AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()
        """
      ).rows.first.map({ try $0.decode(Int32.self, at: 0) }) {
        return pid
      }
      Thread.sleep(forTimeInterval: 0.005)
    }
    return nil
  }

  @Test(
    "killed at a step: the previous version still serves whole, and the next publish succeeds",
    arguments: Step.allCases, Kill.allCases)
  func killedAtStep(_ step: Step, _ kill: Kill) throws {
    let (fixture, first, second) = try PublishFaultTests.large()
    let v1 = try #require(
      try fixture.publisher.publish(runID: first, dryRun: false, force: true, actor: "test").versionID)
    let before = try fixture.current()
    let database = String(fixture.conninfo.dropFirst("dbname=".count))

    let holder = try Connection(conninfo: fixture.conninfo, logger: TestDatabase.quietLogger)
    try holder.execute("BEGIN")
    try holder.execute(step.blocker)
    let watcher = try Connection(conninfo: fixture.conninfo, logger: TestDatabase.quietLogger)

    switch kill {
    case .terminateConnection:
      let conninfo = fixture.conninfo
      let schema = fixture.schema
      let failure = ErrorBox()
      let thread = Thread {
        do {
          let connection = try Connection(conninfo: conninfo, logger: TestDatabase.quietLogger)
          var publisher = Publisher(connection: connection, schema: schema, logger: TestDatabase.quietLogger)
          publisher.settings.today = PublishFixture.asOf
          _ = try publisher.publish(runID: second, dryRun: false, force: true, actor: "test")
        } catch {
          failure.set(error)
        }
        failure.finish()
      }
      thread.start()
      let pid = try #require(try Self.waitingBackend(watcher, database: database))
      #expect(try watcher.query("SELECT pg_terminate_backend(\(pid))").scalar(Bool.self))
      failure.wait()
      #expect((failure.error as? PostgresError)?.code == .connectionLost)
    case .sigkill:
      let process = try PricingBinary.start([
        "publish", "--warehouse", fixture.conninfo, "--run", "\(second)", "--force", "--quiet",
      ])
      _ = try #require(try Self.waitingBackend(watcher, database: database))
      Foundation.kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      #expect(process.terminationReason == .uncaughtSignal)
    }
    try holder.execute("ROLLBACK")
    // The server notices a dead client at its next read; wait until its backend is gone.
    let deadline = Date().addingTimeInterval(10)
    while Date() < deadline,
      try watcher.query(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = \(database) AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
      ).scalar(Int.self) > 2
    {
      Thread.sleep(forTimeInterval: 0.05)
    }
    #expect(try fixture.current() == before)
    #expect(before.version == v1)
    let next = try fixture.publisher.publish(runID: second, dryRun: false, force: true, actor: "test")
    #expect(try fixture.current() == (next.versionID, before.rows) as (Int64?, Int))
  }
}
