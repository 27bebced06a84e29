import Fitting
import Foundation
import Postgres
import TestSupport
import Testing
import Warehouse

/// A fit's candidates are the rows a published version serves (migration 8): they and their factors are
/// written with the model run in one transaction, so a fit that dies part-way leaves none of them.
@Suite("pricing fit interrupted while writing its candidates", .serialized)
struct FitFaultTests {
  /// What the killed fit must not leave behind: model runs, candidate multipliers, factors.
  static func counts(_ connection: Connection) throws -> [Int] {
    let row = try connection.query(
      """
      SELECT (SELECT count(*) FROM pricing.model_runs), (SELECT count(*) FROM pricing.candidate_multipliers),
             (SELECT count(*) FROM pricing.candidate_factors)
      """
    ).single()
    return try (0..<3).map { try row.decode(Int.self, at: $0) }
  }

  @Test("the fit's connection terminated after the multipliers, before the factors: no run, no candidates, no factors")
  func terminatedBetweenTheTwoCopies() throws {
    let fixture = SeededWarehouse.shared
    let watcher = try Connection(conninfo: fixture.conninfo, logger: TestDatabase.quietLogger)
    let before = try Self.counts(watcher)
    // The factors' table locked: the fit writes its multipliers, then waits to write the factors.
    let holder = try Connection(conninfo: fixture.conninfo, logger: TestDatabase.quietLogger)
    try holder.execute("BEGIN")
    try holder.execute("LOCK TABLE pricing.candidate_factors IN ACCESS EXCLUSIVE MODE")
    let failure = ErrorBox()
    let options = FitOptions(warehouseConninfo: fixture.conninfo, schema: fixture.schema, asOf: fixture.today)
    let thread = Thread {
      do {
        _ = try FitRunner(options: options, logger: TestDatabase.quietLogger).run()
      } catch {
        failure.set(error)
      }
      failure.finish()
    }
    thread.start()
    var waiting: Int32?
    let deadline = Date().addingTimeInterval(60)
    while waiting == nil && Date() < deadline {
      waiting = try watcher.query(
        """
        SELECT pid FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()
          AND query LIKE 'COPY %candidate_factors%'
        """
      ).rows.first.map { try $0.decode(Int32.self, at: 0) }
      if waiting == nil { Thread.sleep(forTimeInterval: 0.01) }
    }
    let pid = try #require(waiting, "the fit never reached the factors' COPY")
    #expect(try watcher.query("SELECT pg_terminate_backend(\(pid))").scalar(Bool.self))
    failure.wait()
    try holder.execute("ROLLBACK")
    #expect(failure.error != nil)
    #expect(try Self.counts(watcher) == before)
    #expect(
      try watcher.query(
        "SELECT status FROM pricing.runs WHERE command = 'fit' ORDER BY run_id DESC LIMIT 1"
      ).scalar(String.self) == "failed")
  }
}
