import Foundation
import Postgres

/// Runs whose process died without closing their records: killed by a signal the program could not catch
/// (SIGKILL, a power cut), or an attempt abandoned after a lost connection. Their rows stay `running`
/// until closed here as `failed` with the reason.
///
/// A process is known by a random id it records in every run (`runs.process`): the runs of one process (a
/// `pricing run` and the ingest and fit it starts) are closed together, and a pid or a host name used
/// again (containers) is never taken for this process.
extension RunRecorder {
  /// A `runs` row still marked `running`.
  public struct OpenRun: Sendable, Equatable {
    public var runID: Int64
    public var command: String
    public var host: String?
    public var pid: Int32?
    public var process: String?

    public init(runID: Int64, command: String, host: String?, pid: Int32?, process: String?) {
      self.runID = runID
      self.command = command
      self.host = host
      self.pid = pid
      self.process = process
    }
  }

  /// This machine's name as runs record it.
  public static var currentHost: String { ProcessInfo.processInfo.hostName }
  /// This process's random id as runs record it.
  public static let currentProcess = UUID().uuidString.lowercased()

  /// Whether a process of this machine is alive (signal 0: exists, whatever its owner).
  public static func processIsAlive(_ pid: Int32) -> Bool {
    kill(pid, 0) == 0 || errno == EPERM
  }

  /// The runs still marked `running`, oldest first.
  public static func openRuns(_ connection: Connection, schema: WarehouseSchema) throws -> [OpenRun] {
    try connection.query(
      "SELECT run_id, command, host, pid, process FROM \(schema.table("runs")) WHERE status = 'running' ORDER BY run_id"
    ).rows.map {
      OpenRun(
        runID: try $0.decode(Int64.self, at: 0), command: try $0.decode(String.self, at: 1),
        host: try $0.decode(String?.self, at: 2), pid: try $0.decode(Int32?.self, at: 3),
        process: try $0.decode(String?.self, at: 4))
    }
  }

  /// The runs recorded as running whose process is gone (`isInterrupted`), as `status` and the report
  /// judge them: the run lock is read only when a run is open.
  public static func interruptedRuns(_ connection: Connection, schema: WarehouseSchema) throws -> [OpenRun] {
    let open = try openRuns(connection, schema: schema)
    guard !open.isEmpty else { return [] }
    let lockFree = try !connection.isAdvisoryLockHeld(schema.runLockKey)
    return open.filter { isInterrupted($0, runLockFree: lockFree) }
  }

  /// Whether an open run's process is known to be gone: never this process's own; a `pricing run` while
  /// nobody holds the run lock (`runLockFree`; one run holds it while it lives); a run of this machine
  /// whose pid is not running.
  public static func isInterrupted(_ run: OpenRun, runLockFree: Bool) -> Bool {
    if run.process == currentProcess { return false }
    if run.command == "run" && runLockFree { return true }
    guard run.host == currentHost, let pid = run.pid else { return false }
    return !processIsAlive(pid)
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

  /// Closes the open runs whose process is gone (`isInterrupted`), with every other open run of the same
  /// process, recording them as interrupted; for a `pricing run` holding the run lock at start. Returns
  /// the runs closed.
  @discardableResult
  public static func closeInterrupted(_ connection: Connection, schema: WarehouseSchema, runLockHeld: Bool) throws
    -> [Int64]
  {
    let open = try openRuns(connection, schema: schema)
    let gone = open.filter { isInterrupted($0, runLockFree: runLockHeld) }
    let goneProcesses = Set(gone.compactMap(\.process))
    let closing = open.filter { run in
      gone.contains(run) || run.process.map(goneProcesses.contains) == true
    }
    for run in closing {
      try close(
        [run.runID], connection, schema: schema,
        reason: "interrupted: its process (\(run.host ?? "?") pid \(run.pid.map(String.init) ?? "?")) ended without closing it",
        exitCode: 70)
    }
    return closing.map(\.runID)
  }

  /// The open runs of this process other than `keeping` (an attempt abandoned after a lost connection,
  /// whose own recorder could not close it), closed. Returns how many.
  @discardableResult
  public static func closeAbandoned(_ connection: Connection, schema: WarehouseSchema, keeping: Int64) throws -> Int {
    let mine = try openRuns(connection, schema: schema).filter { $0.process == currentProcess && $0.runID != keeping }
    return try close(
      mine.map(\.runID), connection, schema: schema, reason: "abandoned: the attempt lost its connection and was retried",
      exitCode: 75)
  }

  /// Closes every open run of this process with `reason` (a signal, a deadline). Returns the runs closed.
  @discardableResult
  public static func closeOwn(_ connection: Connection, schema: WarehouseSchema, reason: String, exitCode: Int32)
    throws -> [OpenRun]
  {
    let mine = try openRuns(connection, schema: schema).filter { $0.process == currentProcess }
    try close(mine.map(\.runID), connection, schema: schema, reason: reason, exitCode: exitCode)
    return mine
  }
}
