import Foundation
import Logging

/// A log handler that keeps messages in memory, for tests that check what was logged.
public final class LogCapture: @unchecked Sendable {
  private let lock = NSLock()
  private var storedMessages: [String] = []

  public init() {}

  public var messages: [String] {
    lock.lock()
    defer { lock.unlock() }
    return storedMessages
  }

  func append(_ message: String) {
    lock.lock()
    storedMessages.append(message)
    lock.unlock()
  }

  public func logger(level: Logger.Level = .debug) -> Logger {
    Logger(label: "capture") { _ in CapturingLogHandler(capture: self, logLevel: level) }
  }
}

struct CapturingLogHandler: LogHandler {
  let capture: LogCapture
  var logLevel: Logger.Level
  var metadata: Logger.Metadata = [:]

  subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  func log(event: LogEvent) { capture.append("\(event.level): \(event.message)") }
}
