import CLibPQ
import Foundation
import Logging

/// One libpq connection, owned: `PQfinish` runs when the object goes away, on every path.
///
/// Not `Sendable` on purpose: a libpq connection must be used by one thread at a time, so each
/// thread or task opens its own. Every session is set to `TimeZone = UTC` and `DateStyle = ISO` so that
/// timestamps decode the same way whatever the server's defaults.
public final class Connection {
  let handle: OpaquePointer
  private let noticeSink: Unmanaged<NoticeSink>
  public let logger: Logger

  /// Where the connection went, for messages: `host:port` (or the socket directory), never a password.
  public let endpoint: String

  /// Opens a connection.
  ///
  /// - Parameter conninfo: a libpq keyword/value string (`host=... dbname=...`) or a `postgresql://` URI;
  ///   empty means libpq's defaults: `PGHOST`, `PGPORT`, `PGDATABASE`, `PGUSER`, `PGPASSWORD`, `PGSERVICE`,
  ///   `~/.pgpass` and the service file.
  /// - Throws: `PostgresError` with code `.connectionFailed` and a one-line message naming host and port.
  public init(conninfo: String = "", logger: Logger = Logger(label: "postgres")) throws {
    self.logger = logger
    try Connection.requireWellFormed(conninfo)
    let keywords = ["dbname", "fallback_application_name", "client_encoding"]
    let values = [conninfo, "pricing", "UTF8"]
    let connection: OpaquePointer? = withCStringArray(keywords) { keywordPointers in
      withCStringArray(values) { valuePointers in
        PQconnectdbParams(keywordPointers, valuePointers, 1)
      }
    }
    guard let connection else {
      throw PostgresError(code: .connectionFailed, message: "cannot connect: libpq is out of memory")
    }
    let endpoint = Connection.describeEndpoint(connection)
    guard PQstatus(connection) == CONNECTION_OK else {
      let reason = Redaction.redact(Connection.firstLine(String(cString: PQerrorMessage(connection))), conninfo)
      PQfinish(connection)
      throw PostgresError(
        code: .connectionFailed, message: "cannot connect to PostgreSQL at \(endpoint): \(reason)",
        sqlState: Connection.refusalState(reason))
    }
    self.handle = connection
    self.endpoint = endpoint
    let sink = NoticeSink(logger: logger)
    self.noticeSink = Unmanaged.passRetained(sink)
    PQsetNoticeReceiver(connection, noticeReceiver, noticeSink.toOpaque())
    do {
      try execute("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET extra_float_digits = 3")
    } catch {
      // deinit does not run for a failed initializer: release here.
      PQfinish(connection)
      noticeSink.release()
      throw error
    }
  }

  deinit {
    PQfinish(handle)
    noticeSink.release()
  }

  /// Server notices seen on this connection (also logged), newest last; at most the last 100.
  public var recentNotices: [String] { noticeSink.takeUnretainedValue().recent }

  /// Whether libpq still considers the connection usable.
  public var isHealthy: Bool { PQstatus(handle) == CONNECTION_OK }

  /// The server's process id for this session (for `pg_terminate_backend` in fault tests).
  public var backendPID: Int32 { PQbackendPID(handle) }

  /// The server version as an integer (150018 for 15.18).
  public var serverVersion: Int32 { PQserverVersion(handle) }

  // MARK: - Error translation

  /// Builds the error for a failed result (or a failed send, when `result` is nil).
  func error(from result: OpaquePointer?, query: String) -> PostgresError {
    let lost = PQstatus(handle) != CONNECTION_OK
    guard let result else {
      let message = Connection.firstLine(String(cString: PQerrorMessage(handle)))
      return PostgresError(
        code: lost ? .connectionLost : .serverError,
        message: lost ? "connection to \(endpoint) lost: \(message)" : message, query: query)
    }
    func field(_ code: Int32) -> String? {
      guard let pointer = PQresultErrorField(result, code) else { return nil }
      return String(cString: pointer)
    }
    let sqlState = field(PRICING_DIAG_SQLSTATE)
    var message = field(PRICING_DIAG_MESSAGE_PRIMARY) ?? Connection.firstLine(String(cString: PQresultErrorMessage(result)))
    if message.isEmpty { message = Connection.firstLine(String(cString: PQerrorMessage(handle))) }
    let isLost = lost || sqlState == "57P01" || sqlState == "57P02"
    if lost { message = "connection to \(endpoint) lost: \(message)" }
    var copyLine: Int?
    if let context = field(PRICING_DIAG_CONTEXT) { copyLine = Connection.copyLine(inContext: context) }
    return PostgresError(
      code: isLost ? .connectionLost : (copyLine != nil ? .copyFailed : .serverError),
      message: message, sqlState: sqlState, detail: field(PRICING_DIAG_MESSAGE_DETAIL),
      hint: field(PRICING_DIAG_MESSAGE_HINT), copyLine: copyLine, query: query)
  }

  /// The line number in a COPY error context such as `COPY t, line 3, column b: "x"`.
  static func copyLine(inContext context: String) -> Int? {
    guard context.hasPrefix("COPY "), let range = context.range(of: ", line ") else { return nil }
    let digits = context[range.upperBound...].prefix { $0.isASCII && $0.isNumber }
    return Int(digits)
  }

  /// A connection string libpq cannot parse is a configuration error (`.misuse`), found before any
  /// attempt to connect. Only what libpq parses as a connection string is checked: a keyword/value string
  /// (it holds `=`) or a URI; anything else is a database name, as libpq takes it. The message does not
  /// quote libpq's reason, which can hold a piece of the string (a password with a space in it).
  static func requireWellFormed(_ conninfo: String) throws {
    guard Redaction.isConnectionString(conninfo), !Redaction.parses(conninfo) else { return }
    throw PostgresError(
      code: .misuse,
      message: "malformed connection string: neither keyword=value pairs nor a postgresql:// URI libpq can read")
  }

  /// The SQLSTATE of a server's refusal that no retry can cure, read from libpq's message (a failed
  /// connection has no result to carry one): authentication failed (28P01), no entry in pg_hba.conf or an
  /// unknown role (28000), an unknown database (3D000). Nil for anything else (refused, timed out,
  /// starting up), which may be transient.
  static func refusalState(_ message: String) -> String? {
    let text = message.lowercased()
    if text.contains("authentication failed") || text.contains("no password supplied") { return "28P01" }
    if text.contains("pg_hba.conf") || (text.contains("role \"") && text.contains("does not exist")) {
      return "28000"
    }
    if text.contains("database \"") && text.contains("does not exist") { return "3D000" }
    return nil
  }

  static func firstLine(_ text: String) -> String {
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    return trimmed.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? trimmed
  }

  private static func describeEndpoint(_ connection: OpaquePointer) -> String {
    let host = PQhost(connection).map { String(cString: $0) } ?? ""
    let port = PQport(connection).map { String(cString: $0) } ?? ""
    let shownHost = host.isEmpty ? "local socket" : host
    return port.isEmpty ? shownHost : "\(shownHost):\(port)"
  }
}

/// Calls `body` with a NULL-terminated array of C strings that live for the duration of the call.
func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
  let duplicates = strings.map { strdup($0) }
  defer { duplicates.forEach { free($0) } }
  var pointers: [UnsafePointer<CChar>?] = duplicates.map { UnsafePointer($0) }
  pointers.append(nil)
  return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
