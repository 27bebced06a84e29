import Foundation
import Logging
import Postgres

/// Retries of transient database failures with exponential backoff (delay_n = min(initial x 2^(n-1),
/// maxDelay)), at most `maxAttempts` attempts and never past `maxTotal` seconds since the first.
/// Transient: a refused or lost connection and SQLSTATEs 40001 (serialization failure), 40P01
/// (deadlock), 57P01/57P02/57P03 (admin shutdown, crash shutdown, cannot connect now), also when wrapped
/// by a module's error. Anything else fails at once.
public struct RetryPolicy: Sendable {
  public var maxAttempts: Int
  public var initialDelay: Double
  public var maxDelay: Double
  public var maxTotal: Double

  public init(maxAttempts: Int = 5, initialDelay: Double = 1, maxDelay: Double = 30, maxTotal: Double = 300) {
    self.maxAttempts = maxAttempts
    self.initialDelay = initialDelay
    self.maxDelay = maxDelay
    self.maxTotal = maxTotal
  }

  /// The delay before attempt `attempt + 1` (attempt counts from 1).
  public func delay(after attempt: Int) -> Double {
    min(initialDelay * pow(2, Double(attempt - 1)), maxDelay)
  }

  /// Whether an error is worth retrying.
  public static func isTransient(_ error: Error) -> Bool {
    PostgresError.behind(error)?.isTransient ?? false
  }

  /// Runs `body`, retrying transient failures; `beforeRetry` runs before each new attempt (to reconnect
  /// or re-take a lock) and may itself fail. Returns the result and the number of attempts made.
  public func run<T>(
    _ what: String, logger: Logger, sleep: (Double) -> Void = { Thread.sleep(forTimeInterval: $0) },
    beforeRetry: () throws -> Void = {}, _ body: () throws -> T
  ) throws -> (value: T, attempts: Int) {
    let started = Date()
    var attempt = 1
    while true {
      do {
        if attempt > 1 { try beforeRetry() }
        return (try body(), attempt)
      } catch {
        let wait = delay(after: attempt)
        let elapsed = Date().timeIntervalSince(started)
        guard RetryPolicy.isTransient(error), attempt < maxAttempts, elapsed + wait <= maxTotal else { throw error }
        logger.warning(
          "transient failure, retrying",
          metadata: [
            "what": "\(what)", "attempt": "\(attempt)", "retry_in_seconds": "\(wait)", "error": "\(error)",
          ])
        sleep(wait)
        attempt += 1
      }
    }
  }
}
