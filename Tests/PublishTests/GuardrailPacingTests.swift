import Foundation
import Postgres
import TestSupport
import Testing

@testable import Publish

@Suite("Guardrails in ranges of categories, paced while the server is busy")
struct GuardrailPacingTests {
  // MARK: - Ranges of categories

  static func counts(_ rows: [Int]) -> [Publisher.CategoryCounts] {
    rows.enumerated().map { Publisher.CategoryCounts(category: "c\($0.offset)", rows: $0.element, nan: 0, outside: 0) }
  }

  @Test(
    "consecutive categories are grouped up to the rows per range; a larger category is a range of its own",
    arguments: [
      ([10, 10, 10, 10], 20, [["c0", "c1"], ["c2", "c3"]]),
      ([10, 10, 10], 25, [["c0", "c1"], ["c2", "c2"]]),
      ([50, 5, 5, 50], 20, [["c0", "c0"], ["c1", "c2"], ["c3", "c3"]]),
      ([7], 1, [["c0", "c0"]]),
      ([], 10, []),
    ])
  func ranges(rows: [Int], rowsPerRange: Int, expected: [[String]]) {
    let ranges = Publisher.categoryRanges(Self.counts(rows), rowsPerRange: rowsPerRange)
    #expect(ranges.map { [$0.first, $0.last] } == expected)
  }

  @Test("parts combine: counts add up, and the five largest moves keep the order of one query (change, then cell)")
  func combine() {
    func part(_ moves: [(Double, String)], compared: Int) -> Publisher.DriftPart {
      Publisher.DriftPart(
        compared: compared, totalChange: moves.reduce(0) { $0 + $1.0 }, beyond: moves.filter { $0.0 > 0.1 }.count,
        largest: moves.map { Publisher.Move(change: $0.0, text: $0.1) })
    }
    let earlier = part([(0.3, "a1"), (0.2, "a2"), (0.2, "a3"), (0.05, "a4")], compared: 10)
    let later = part([(0.25, "b1"), (0.2, "b2"), (0.01, "b3")], compared: 20)
    let both = Publisher.combine(earlier, later)
    #expect(both.compared == 30)
    #expect(both.beyond == 5)
    #expect(abs(both.totalChange - 1.21) < 1e-12)
    #expect(both.largest.map(\.text) == ["a1", "b1", "a2", "a3", "b2"])
    #expect(Publisher.combine(Publisher.DriftPart(), later).largest.map(\.text) == ["b1", "b2", "b3"])
  }

  // MARK: - Against the database

  @Test("the drift in one range per category gives the one-query result, largest moves included")
  func rangesMatchOneQuery() throws {
    let fixture = try PublishFixture()
    try fixture.publishedRun()
    // Moves of 0 to 12%, with ties across the two categories (cleaning and moving share every change).
    let next = try fixture.run { _, city, band, day in
      String(format: "%.4f", 1 + Double((city == "Wien" ? 6 : 0) + day * 2 + (band == "senior" ? 1 : 0)) / 100)
    }
    var oneQuery = fixture.publisher
    oneQuery.settings.driftChunkRows = 1_000_000
    var perCategory = fixture.publisher
    perCategory.settings.driftChunkRows = 1
    let whole = try oneQuery.publish(runID: next, dryRun: true, force: false, actor: "test")
    let split = try perCategory.publish(runID: next, dryRun: true, force: false, actor: "test")
    #expect(whole.checks == split.checks)
    #expect(whole.largestMoves == split.largestMoves)
    let day = PublishFixture.asOf.adding(days: 2)
    #expect(
      split.largestMoves == [
        "cleaning in Wien, senior, \(day): 1.0000 -> 1.1100",
        "moving in Wien, senior, \(day): 1.0000 -> 1.1100",
        "cleaning in Wien, experienced, \(day): 1.0000 -> 1.1000",
        "cleaning in Wien, junior, \(day): 1.0000 -> 1.1000",
        "moving in Wien, experienced, \(day): 1.0000 -> 1.1000",
      ])
    let drift = try #require(split.checks.first { $0.name == "drift" })
    #expect(drift.detail == "2 of 36 cells move more than 10%; mean absolute change 5.33%")
  }

  @Test("while another session runs a query, the publisher pauses after each guardrail query, by the ratio")
  func pausesWhileBusy() throws {
    let fixture = try PublishFixture()
    try fixture.publishedRun()
    let next = try fixture.run { _, _, _, _ in "1.0100" }
    // The pipeline's own sessions (application_name "pricing") do not count: this one is the booking service.
    let own = try Connection(conninfo: fixture.conninfo, logger: TestDatabase.quietLogger)
    _ = try own.query("SELECT 1")
    #expect(try GuardrailPacer.busySessions(fixture.connection) == 0)
    let busy = try Connection(
      conninfo: fixture.conninfo + " application_name=booking-service", logger: TestDatabase.quietLogger)
    // Busy for as long as the test needs it (a loaded machine can make the publishes slow), then cancelled.
    let busyPID = try busy.query("SELECT pg_backend_pid()").scalar(Int.self)
    let sleeping = ErrorBox()
    nonisolated(unsafe) let sleeper = busy
    Thread.detachNewThread {
      defer { sleeping.finish() }
      do { _ = try sleeper.query("SELECT pg_sleep(60)") } catch { sleeping.set(error) }
    }
    defer {
      _ = try? fixture.connection.query("SELECT pg_cancel_backend(\(busyPID)::int)")
      sleeping.wait()
    }
    var waited = 0
    while try GuardrailPacer.busySessions(fixture.connection) == 0 && waited < 100 {
      Thread.sleep(forTimeInterval: 0.02)
      waited += 1
    }
    #expect(try GuardrailPacer.busySessions(fixture.connection) >= 1)

    let pauses = PauseLog()
    var paced = fixture.publisher
    paced.settings.pauseRatio = 2
    paced.settings.driftChunkRows = 1
    paced.settings.sleep = { pauses.append($0) }
    let outcome = try paced.publish(runID: next, dryRun: true, force: false, actor: "test")
    // The counts, the coverage, the drift of each of the two categories and the impact.
    #expect(pauses.values.count == 5)
    #expect(pauses.values.allSatisfy { $0 > 0 })
    #expect(abs(outcome.pausedSeconds - 2 * outcome.guardrailSeconds) < 1e-9)

    var unpaced = fixture.publisher
    unpaced.settings.pauseRatio = 0
    unpaced.settings.sleep = { pauses.append($0) }
    let fast = try unpaced.publish(runID: next, dryRun: true, force: false, actor: "test")
    #expect(fast.pausedSeconds == 0)
    #expect(pauses.values.count == 5)
    _ = try fixture.connection.query("SELECT pg_cancel_backend(\(busyPID)::int)")
    sleeping.wait()
    #expect((sleeping.error as? PostgresError)?.sqlState == "57014", "the busy session was cancelled, not failed")
  }
}

/// The pauses a test's publisher asked for, from any thread.
final class PauseLog: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: [Double] = []
  var values: [Double] { lock.withLock { stored } }
  func append(_ value: Double) { lock.withLock { stored.append(value) } }
}
