import Foundation
import Logging
import Postgres

/// Fresh databases on the PostgreSQL that `jobs/test` starts (found through the PG* environment).
///
/// Every test that touches SQL gets its own database, so tests run in parallel without seeing each
/// other's rows. There is no skipping: without a reachable server the test fails with a message saying
/// how to start one.
public enum TestDatabase {
  /// Creates an empty database and returns a conninfo string for it.
  public static func create(label: String = "t") throws -> String {
    let admin: Connection
    do {
      admin = try Connection(conninfo: "dbname=postgres", logger: quietLogger)
    } catch {
      throw TestSetupError(
        message: "PostgreSQL for tests is not reachable (\(error)); run jobs/test, or jobs/pg start and "
          + "eval \"$(jobs/pg env)\" before swift test")
    }
    let name = "\(label)_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased())"
    try admin.execute("CREATE DATABASE \(try SQLIdentifier(name).quoted) TEMPLATE template0")
    return "dbname=\(name)"
  }

  /// Creates a database and opens a connection to it.
  public static func connect(label: String = "t") throws -> (conninfo: String, connection: Connection) {
    let conninfo = try create(label: label)
    return (conninfo, try Connection(conninfo: conninfo, logger: quietLogger))
  }

  /// A logger that drops everything below warnings.
  public static var quietLogger: Logger {
    var logger = Logger(label: "test")
    logger.logLevel = .warning
    return logger
  }
}

public struct TestSetupError: Error, CustomStringConvertible {
  public let message: String
  public var description: String { message }
}
