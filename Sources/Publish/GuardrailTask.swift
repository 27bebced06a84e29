import Foundation
import Postgres

/// The guardrails of a publish running on their own session and thread while the publisher writes the
/// rows (`Publisher.guardrailSession`). The session is used by this thread only and closed with the task;
/// `result()` waits for the checks, `wait()` (also in the owner's `defer`) makes sure the thread is done
/// before anything it uses goes away.
final class GuardrailTask: @unchecked Sendable {
  typealias Checks = ([GuardrailCheck], Int, [String])

  private let group = DispatchGroup()
  private var outcome: Result<Checks, Error>?
  private let connection: Connection
  private let publisher: Publisher
  private let run: Int64

  /// Starts the checks at once.
  init(publisher: Publisher, run: Int64, connection: Connection) {
    self.connection = connection
    self.publisher = publisher
    self.run = run
    group.enter()
    let thread = Thread { [self] in
      defer { group.leave() }
      outcome = Result {
        try self.connection.execute("SET lock_timeout = '5s'; SET statement_timeout = '10min'")
        return try self.publisher.guardrails(run: self.run, on: self.connection)
      }
    }
    thread.start()
  }

  /// Waits for the checks and returns them, or throws what stopped them.
  func result() throws -> Checks {
    wait()
    return try outcome!.get()
  }

  /// Waits until the checking thread has finished (at once if it has).
  func wait() { group.wait() }
}
