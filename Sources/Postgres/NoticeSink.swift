import CLibPQ
import Logging

/// Receives the server's notices and warnings for one connection and routes them to the log.
///
/// libpq calls `noticeReceiver` (a free C function) with an unmanaged pointer to this object, which
/// the owning `Connection` retains for its whole life and releases after `PQfinish`.
final class NoticeSink {
  let logger: Logger
  private(set) var recent: [String] = []

  init(logger: Logger) { self.logger = logger }

  func receive(severity: String, message: String) {
    if recent.count == 100 { recent.removeFirst() }
    recent.append(message)
    let level: Logger.Level
    switch severity {
    case "WARNING": level = .warning
    case "NOTICE", "INFO": level = .debug
    default: level = .debug
    }
    logger.log(level: level, "server \(severity.lowercased()): \(message)")
  }
}

/// The C callback registered with `PQsetNoticeReceiver`; `context` is the connection's `NoticeSink`.
func noticeReceiver(context: UnsafeMutableRawPointer?, result: OpaquePointer?) {
  guard let context, let result else { return }
  let sink = Unmanaged<NoticeSink>.fromOpaque(context).takeUnretainedValue()
  let severity = PQresultErrorField(result, PRICING_DIAG_SEVERITY_NONLOCALIZED).map { String(cString: $0) } ?? "NOTICE"
  let message = PQresultErrorField(result, PRICING_DIAG_MESSAGE_PRIMARY).map { String(cString: $0) } ?? ""
  sink.receive(severity: severity, message: message)
}
