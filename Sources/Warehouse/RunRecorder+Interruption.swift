import Foundation
import Postgres

/// Runs whose process died without closing their records: killed by a signal the program could not catch
/// (SIGKILL, a power cut), or an attempt abandoned after a lost connection. Their rows stay `running`
/// until closed here as `failed` with the reason.
extension RunRecorder {
  /// A `runs` row still marked `running`.
  public struct OpenRun: Sendable, Equatable {
    public var runID: Int64
    public var command: String
    public var host: String?
    public var pid: Int32?
  }

  /// This machine's name as runs record it.
  public static var currentHost: String { ProcessInfo.processInfo.hostName }
  /// This process's id as runs record it.
  public static var currentPID: Int32 { ProcessInfo.processInfo.processIdentifier }

  /// Whether a process of this machine is alive (signal 0: exists, whatever its owner).
  public static func processIsAlive(_ pid: Int32) -> Bool {
    kill(pid, 0) == 0 || errno == EPERM
  }

  /// The runs still marked `running`, oldest first.
  public static func openRuns(_ connection: Connection, schema: WarehouseSchema) throws -> [OpenRun] {
    try connection.query(
      "SELECT run_id, command, host, pid FROM \(schema.table("runs")) WHERE status = 'running' ORDER BY run_id"
    ).rows.map {
      OpenRun(
        runID: try $0.decode(Int64.self, at: 0), command: try $0.decode(String.self, at: 1),
        host: try $0.decode(String?.self, at: 2), pid: try $0.decode(Int32?.self, at: 3))
    }
  }

  /// Whether an open run's process is known to be gone: on this machine with no such process, or a
  /// `pricing run` while nobody holds the run lock (`runLockFree`; one run holds it while it lives).
  public static func isInterrupted(_ run: OpenRun, runLockFree: Bool) -> Bool {
    if run.command == "run" && runLockFree { return true }
    guard run.host == currentHost, let pid = run.pid else { return false }
    return pid != currentPID && !processIsAlive(pid)
  }

  /// Marks runs (and their `running` steps) `failed` with `reason` and `exitCode`. Returns how many.
  @discardableResult
  public static func close(
    _ runIDs: [Int64], _ connection: Connection, schema: WarehouseSchema, reason: String, exitCode: Int32
  ) throws -> Int {
    guard !runIDs.isEmpty else { return 0 }
    let ids = "{" + runIDs.map(String.init).joined(separator: ",") + "}"
    try connection.query(
      """
      UPDATE \(schema.table("run_steps")) SET status = 'failed', finished_at = clock_timestamp(), error = \(reason),
             exit_code = \(exitCode)
      WHERE run_id = ANY(\(ids)::bigint[]) AND status = 'running'
      """)
    return try connection.query(
      """
      UPDATE \(schema.table("runs")) SET status = 'failed', finished_at = clock_timestamp(), error = \(reason),
             exit_code = \(exitCode)
      WHERE run_id = ANY(\(ids)::bigint[]) AND status = 'running'
      """
    ).affectedRows
  }

  /// Closes the open runs whose process is gone (`isInterrupted`), recording them as interrupted; for a
  /// `pricing run` holding the run lock at start. Returns the runs closed.
  @discardableResult
  public static func closeInterrupted(_ connection: Connection, schema: WarehouseSchema, runLockHeld: Bool) throws
    -> [Int64]
  {
    let gone = try openRuns(connection, schema: schema).filter {
      $0.host == currentHost && $0.pid == currentPID ? false : isInterrupted($0, runLockFree: runLockHeld)
    }
    for run in gone {
      try close(
        [run.runID], connection, schema: schema,
        reason: "interrupted: its process (\(run.host ?? "?") pid \(run.pid.map(String.init) ?? "?")) ended without closing it",
        exitCode: 70)
    }
    return gone.map(\.runID)
  }

  /// Closes this process's open runs other than `keeping` (an attempt abandoned after a lost connection,
  /// whose own recorder could not close it). Returns how many.
  @discardableResult
  public static func closeAbandoned(_ connection: Connection, schema: WarehouseSchema, keeping: Int64) throws -> Int {
    let mine = try openRuns(connection, schema: schema).filter {
      $0.host == currentHost && $0.pid == currentPID && $0.runID != keeping
    }
    return try close(
      mine.map(\.runID), connection, schema: schema, reason: "abandoned: the attempt lost its connection and was retried",
      exitCode: 75)
  }
}
