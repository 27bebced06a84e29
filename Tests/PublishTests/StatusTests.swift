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
}
