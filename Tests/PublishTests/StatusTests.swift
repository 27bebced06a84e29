import Foundation
import Postgres
import Publish
import TestSupport
import Testing
import Warehouse

@Suite("pricing status for people and monitors")
struct StatusTests {
  @Test("unhealthy without prices, healthy after a publish, unhealthy when prices age or the last run failed")
  func status() throws {
    let fixture = try PublishFixture()
    let empty = try PricingBinary.run(["status", "--warehouse", fixture.conninfo, "--quiet"])
    #expect(empty.status == 82)
    #expect(empty.standardOutput.contains("current prices: none published"))
    #expect(empty.standardOutput.contains("  - no prices are published"))

    let run = try fixture.run { _, _, _, _ in "1.0000" }
    try fixture.connection.execute("UPDATE pricing.runs SET status = 'succeeded', finished_at = now()")
    let version = try #require(
      try fixture.publisher.publish(runID: run, dryRun: false, force: false, actor: "t").versionID)
    let healthy = try PricingBinary.run(["status", "--warehouse", fixture.conninfo, "--format", "json", "--quiet"])
    #expect(healthy.status == 0)
    let json = try #require(try JSONSerialization.jsonObject(with: Data(healthy.standardOutput.utf8)) as? [String: Any])
    #expect((json["current_version"] as? [String: Any])?["version_id"] as? Int64 == version)
    #expect((json["problems"] as? [String])?.isEmpty == true)
    #expect((json["runs"] as? [[String: Any]])?.first?["command"] as? String == "fit")

    try fixture.connection.execute("UPDATE pricing.current_version SET updated_at = now() - interval '48 hours'")
    let stale = try PricingBinary.run(["status", "--warehouse", fixture.conninfo, "--quiet"])
    #expect(stale.status == 82)
    #expect(stale.standardOutput.contains("  - the current prices (version \(version)) are 48.0 hours old"))

    try fixture.connection.execute(
      "UPDATE pricing.current_version SET updated_at = now(); INSERT INTO pricing.runs (command, status, error) VALUES ('ingest', 'failed', 'connection lost')"
    )
    let failed = try PricingBinary.run(["status", "--warehouse", fixture.conninfo, "--quiet"])
    #expect(failed.status == 82)
    #expect(failed.standardOutput.contains("failed: connection lost"))
  }

  @Test("a failed or rejected pricing run, an interrupted run, or prices not covering today make status 82")
  func pipelineProblems() throws {
    let fixture = try PublishFixture()
    let run = try fixture.run { _, _, _, _ in "1.0000" }
    try fixture.connection.execute("UPDATE pricing.runs SET status = 'succeeded', finished_at = now()")
    _ = try fixture.publisher.publish(runID: run, dryRun: false, force: false, actor: "t")
    func status(_ extra: [String] = []) throws -> PricingBinary.Outcome {
      try PricingBinary.run(["status", "--warehouse", fixture.conninfo, "--quiet"] + extra)
    }
    #expect(try status().status == 0)

    // A nightly run whose publish failed; its own fit (a later row) succeeded.
    let failed = try fixture.connection.query(
      """
      INSERT INTO pricing.runs (command, status, exit_code, error, finished_at)
      VALUES ('run', 'failed', 75, 'publish: canceling statement due to lock timeout (SQLSTATE 55P03)', now())
      RETURNING run_id
      """
    ).scalar(Int64.self)
    try fixture.connection.query(
      "INSERT INTO pricing.run_steps (run_id, step, status, exit_code) VALUES (\(failed), 'publish', 'failed', 75)")
    try fixture.connection.execute("INSERT INTO pricing.runs (command, status, finished_at) VALUES ('fit', 'succeeded', now())")
    let afterFailure = try status()
    #expect(afterFailure.status == 82)
    #expect(
      afterFailure.standardOutput.contains(
        "  - the last pricing run (\(failed)) failed at step publish (exit 75): publish: canceling statement due to lock timeout (SQLSTATE 55P03)"))

    try fixture.connection.query("UPDATE pricing.runs SET status = 'rejected', exit_code = 81 WHERE run_id = \(failed)")
    try fixture.connection.query("UPDATE pricing.run_steps SET status = 'rejected' WHERE run_id = \(failed)")
    #expect(try status().standardOutput.contains("the last pricing run (\(failed)) was rejected at step publish (exit 81)"))

    // A run recorded as running while nobody holds the run lock: its process is gone.
    let open = try fixture.connection.query(
      "INSERT INTO pricing.runs (command, host, pid) VALUES ('run', 'elsewhere', 1) RETURNING run_id"
    ).scalar(Int64.self)
    let interrupted = try status()
    #expect(interrupted.status == 82)
    #expect(interrupted.standardOutput.contains("run \(open) (run) was interrupted"))
    #expect(try RunRecorder.closeInterrupted(fixture.connection, schema: fixture.schema, runLockHeld: true) == [open])
    try fixture.connection.execute("DELETE FROM pricing.runs WHERE command = 'run'")

    #expect(try status().status == 0)
    let later = PublishFixture.asOf.adding(days: PublishFixture.horizon)
    let uncovered = try status(["--as-of", "\(later)"])
    #expect(uncovered.status == 82)
    #expect(
      uncovered.standardOutput.contains(
        "the current prices (version 1) cover \(PublishFixture.asOf)..\(later.adding(days: -1)), not today \(later)"))
  }
}
