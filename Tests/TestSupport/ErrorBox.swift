import Foundation

/// The error a background thread ended with (if any), handed to the test that started it: the thread
/// calls `set` on failure and `finish` when done; the test calls `wait`, then reads `error`.
public final class ErrorBox: @unchecked Sendable {
  private let condition = NSCondition()
  private var stored: Error?
  private var done = false

  public init() {}

  public var error: Error? { condition.withLock { stored } }
  public func set(_ error: Error) { condition.withLock { stored = error } }
  public func finish() {
    condition.withLock {
      done = true
      condition.broadcast()
    }
  }
  public func wait() {
    condition.withLock {
      while !done { condition.wait() }
    }
  }
}
