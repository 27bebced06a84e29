import Logging
import Postgres
import Warehouse

/// Records `pricing run` and its steps through `RunRecorder`, reconnecting (within the retry policy)
/// when the warehouse connection was lost, e.g. by a database restart in the middle of a run.
final class PipelineRecorder {
  let conninfo: String
  let schema: WarehouseSchema
  let retry: RetryPolicy
  let logger: Logger
  private var recorder: RunRecorder

  var runID: Int64 { recorder.runID }

  init(conninfo: String, schema: WarehouseSchema, retry: RetryPolicy, logger: Logger, parameters: String) throws {
    self.conninfo = conninfo
    self.schema = schema
    self.retry = retry
    self.logger = logger
    recorder = try RunRecorder(
      connection: try Connection(conninfo: conninfo, logger: logger), schema: schema, command: "run",
      parameters: parameters)
  }

  /// Runs one recording call, reconnecting and retrying on a transient failure.
  func record(_ body: (RunRecorder) throws -> Void) throws {
    _ = try retry.run(
      "recording the run", logger: logger,
      beforeRetry: {
        recorder = RunRecorder(
          connection: try Connection(conninfo: conninfo, logger: logger), schema: schema, runID: recorder.runID)
      }
    ) { try body(recorder) }
  }
}
