import Foundation
import Postgres

/// Records a command's run and its steps in `runs` / `run_steps` (docs/warehouse.md), on its own
/// connection so that the records survive the rollback of the work they describe.
public final class RunRecorder {
  public let runID: Int64
  private let connection: Connection
  private let schema: WarehouseSchema

  /// Inserts a `running` row and returns the recorder for it.
  public init(connection: Connection, schema: WarehouseSchema, command: String, parameters: String = "{}") throws {
    self.connection = connection
    self.schema = schema
    let host = ProcessInfo.processInfo.hostName
    let pid = Int64(ProcessInfo.processInfo.processIdentifier)
    runID = try connection.query(
      """
      INSERT INTO \(schema.table("runs")) (command, parameters, host, pid, version, process)
      VALUES (\(command), \(parameters)::jsonb, \(host), \(pid), \(ProgramVersion.current), \(Self.currentProcess))
      RETURNING run_id
      """
    ).scalar(Int64.self)
  }

  /// Continues recording an existing run on another connection (after the first one was lost).
  public init(connection: Connection, schema: WarehouseSchema, runID: Int64) {
    self.connection = connection
    self.schema = schema
    self.runID = runID
  }

  /// Marks a step as not run (`skipped`) with the reason.
  public func skip(step: String, reason: String) throws {
    try connection.query(
      """
      INSERT INTO \(schema.table("run_steps")) (run_id, step, finished_at, status, error)
      VALUES (\(runID), \(step), clock_timestamp(), 'skipped', \(reason))
      ON CONFLICT (run_id, step) DO UPDATE SET status = 'skipped', error = excluded.error
      """)
  }

  /// Starts a step.
  public func begin(step: String) throws {
    try connection.query(
      """
      INSERT INTO \(schema.table("run_steps")) (run_id, step) VALUES (\(runID), \(step))
      ON CONFLICT (run_id, step) DO UPDATE SET started_at = clock_timestamp(), status = 'running'
      """)
  }

  /// Ends a step with its outcome; `details` is a JSON object.
  public func end(step: String, status: String, rows: Int64?, exitCode: Int32?, error: String?, details: String = "{}")
    throws
  {
    try connection.query(
      """
      UPDATE \(schema.table("run_steps"))
      SET finished_at = clock_timestamp(), status = \(status), rows = \(rows), exit_code = \(exitCode),
          error = \(error), details = \(details)::jsonb
      WHERE run_id = \(runID) AND step = \(step)
      """)
  }

  /// Closes the other runs of this process still marked `running` (`closeAbandoned`).
  @discardableResult
  public func closeAbandonedAttempts() throws -> Int {
    try Self.closeAbandoned(connection, schema: schema, keeping: runID)
  }

  /// Ends the run, unless it was closed meanwhile (by the handler of a signal: that record stays).
  public func finish(status: String, exitCode: Int32, error: String?) throws {
    try connection.query(
      """
      UPDATE \(schema.table("runs"))
      SET finished_at = clock_timestamp(), status = \(status), exit_code = \(exitCode), error = \(error)
      WHERE run_id = \(runID) AND status = 'running'
      """)
  }
}
