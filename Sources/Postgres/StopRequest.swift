import Foundation

/// A process-wide request to stop (a signal, a deadline), set by the handler that will end the process and
/// read by work that must not begin afterwards: a publish does not flip the price pointer once it is set, so
/// a run recorded as interrupted has not published either.
public enum StopRequest {
  private static let lock = NSLock()
  nonisolated(unsafe) private static var requested = false

  /// Asks every later `isRequested` to answer true.
  public static func request() {
    lock.lock()
    requested = true
    lock.unlock()
  }

  public static var isRequested: Bool {
    lock.lock()
    defer { lock.unlock() }
    return requested
  }
}
