import Dispatch
import Foundation
import Logging
import Pipeline
import Postgres
import Warehouse

/// SIGTERM and SIGINT while a command records runs (`run`, `ingest`, `fit`): the runs of this process are
/// recorded as `failed` with the signal's name, and the process exits 128 + the signal's number (143 for
/// SIGTERM, 130 for SIGINT). With a deadline (`pricing run`'s `run.deadline_seconds`), a run still going
/// when it passes ends the same way, recorded as stopped at the deadline, with exit 75. Everything else is the database's: the server rolls back the open
/// transactions and releases the session locks when the process's connections close, so the previous
/// prices keep serving and the next run can take the lock at once.
///
/// The signals are taken off their default action and handled on a dispatch queue, not in a signal
/// handler, so that the recording can open a connection. If recording does not finish within 10 s (the
/// warehouse is what hangs), the process exits all the same.
final class InterruptionGuard {
  private var sources: [DispatchSourceSignal] = []
  private var timer: DispatchSourceTimer?

  /// What the command still reports when stopped (`pricing run`'s metrics file and JSON result): the reason,
  /// the exit code, and the `pricing run` recorded as stopped, if any.
  typealias StopReport = @Sendable (_ reason: String, _ exitCode: Int32, _ runID: Int64?) -> Void

  /// Starts handling the signals for the runs this process records in `settings`' warehouse, and the
  /// deadline (seconds from now) when given; handling lasts while the guard lives. `report` runs after the
  /// runs are recorded, before the process exits.
  init(settings: PipelineConfig, deadline: Double? = nil, report: StopReport? = nil) {
    let conninfo = settings.warehouseConninfo
    let schemaName = settings.schema
    for (number, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler {
        Self.interrupted(
          reason: "interrupted by \(name)", exitCode: 128 + number, conninfo: conninfo, schemaName: schemaName,
          report: report)
      }
      source.resume()
      sources.append(source)
    }
    if let deadline {
      let timer = DispatchSource.makeTimerSource(queue: .global())
      timer.schedule(deadline: .now() + deadline)
      timer.setEventHandler {
        Self.interrupted(
          reason: "stopped at run.deadline_seconds (\(String(format: "%g", deadline)) s)",
          exitCode: ExitStatus.temporaryFailure.rawValue, conninfo: conninfo, schemaName: schemaName, report: report)
      }
      timer.resume()
      self.timer = timer
    }
  }

  deinit {
    timer?.cancel()
    for source in sources { source.cancel() }
    signal(SIGTERM, SIG_DFL)
    signal(SIGINT, SIG_DFL)
  }

  private static func interrupted(
    reason: String, exitCode: Int32, conninfo: String, schemaName: String, report: StopReport?
  ) -> Never {
    // No price pointer flips from now on (a publish in flight rolls back), so the record below is true.
    StopRequest.request()
    DispatchQueue.global().asyncAfter(deadline: .now() + 10) { _exit(exitCode) }
    var closed: [RunRecorder.OpenRun] = []
    if let schema = try? WarehouseSchema(name: schemaName),
      let connection = try? Connection(
        conninfo: conninfo, logger: Logger(label: "interrupt", factory: { _ in SwiftLogNoOpLogHandler() }))
    {
      closed = (try? RunRecorder.closeOwn(connection, schema: schema, reason: reason, exitCode: exitCode)) ?? []
    }
    let recorded = !closed.isEmpty
    let outcome = recorded ? "the run is recorded as failed" : "no open run could be recorded as failed"
    FileHandle.standardError.write(
      Data("pricing: error: \(reason); \(outcome); what it had not committed is rolled back\n".utf8))
    report?(reason, exitCode, closed.first { $0.command == "run" }?.runID)
    _exit(exitCode)
  }
}
