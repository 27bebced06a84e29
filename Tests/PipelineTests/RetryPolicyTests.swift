import Foundation
import Logging
import Pipeline
import Postgres
import Testing

@Suite("Retries of transient failures")
struct RetryPolicyTests {
  final class Calls: @unchecked Sendable {
    var attempts = 0
    var sleeps: [Double] = []
  }

  static let quiet: Logger = {
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    return logger
  }()

  static func transient(_ state: String) -> PostgresError {
    PostgresError(code: .serverError, message: "terminating connection", sqlState: state)
  }

  @Test(
    "transient SQLSTATEs and lost connections are retried with exponential backoff",
    arguments: ["57P01", "40001", "40P01"])
  func retried(_ state: String) throws {
    let calls = Calls()
    let policy = RetryPolicy(maxAttempts: 5, initialDelay: 1, maxDelay: 3, maxTotal: 100)
    let (value, attempts) = try policy.run("step", logger: Self.quiet, sleep: { calls.sleeps.append($0) }) {
      calls.attempts += 1
      if calls.attempts < 4 { throw Self.transient(state) }
      return 42
    }
    #expect(value == 42)
    #expect(attempts == 4)
    #expect(calls.sleeps == [1, 2, 3])
  }

  @Test("other errors fail at once")
  func permanent() {
    let calls = Calls()
    #expect(throws: PostgresError.self) {
      try RetryPolicy().run("step", logger: Self.quiet, sleep: { calls.sleeps.append($0) }) {
        calls.attempts += 1
        throw PostgresError(code: .serverError, message: "syntax error", sqlState: "42601")
      }
    }
    #expect(calls.attempts == 1)
    #expect(calls.sleeps.isEmpty)
  }

  @Test("attempts and total time are bounded")
  func bounded() {
    let calls = Calls()
    #expect(throws: PostgresError.self) {
      try RetryPolicy(maxAttempts: 3, initialDelay: 1, maxDelay: 30, maxTotal: 100).run(
        "step", logger: Self.quiet, sleep: { calls.sleeps.append($0) }
      ) {
        calls.attempts += 1
        throw Self.transient("57P01")
      }
    }
    #expect(calls.attempts == 3)
    let total = Calls()
    #expect(throws: PostgresError.self) {
      try RetryPolicy(maxAttempts: 50, initialDelay: 0.001, maxDelay: 0.001, maxTotal: 0.0005).run(
        "step", logger: Self.quiet, sleep: { total.sleeps.append($0) }
      ) {
        total.attempts += 1
        throw Self.transient("40001")
      }
    }
    #expect(total.attempts == 1)
  }
}
