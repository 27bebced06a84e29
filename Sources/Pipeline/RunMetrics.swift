import Foundation
import Warehouse

/// `pricing run --metrics-file PATH`: the run's outcome in the Prometheus text exposition format (0.0.4),
/// for node_exporter's textfile collector. Every metric is a gauge prefixed `pricing_`; the file is written
/// whole and renamed into place, so the collector never reads half of it.
public enum RunMetrics {
  /// The text of the file: the run's exit code and finish time, each step's duration, rows, attempts and
  /// success, and, when the warehouse could be read after the run (`status`), the last success time, the
  /// price age, quarantined rows per rule and open reconciliation exceptions per kind.
  public static func render(
    exitCode: Int32, finishedAt: Date, steps: [PipelineStepResult], status: StatusReport?
  ) -> String {
    var lines: [String] = []
    func metric(_ name: String, _ help: String, _ samples: [(labels: [(String, String)], value: Double)]) {
      guard !samples.isEmpty else { return }
      lines.append("# HELP pricing_\(name) \(help)")
      lines.append("# TYPE pricing_\(name) gauge")
      for sample in samples {
        let labels =
          sample.labels.isEmpty
          ? "" : "{" + sample.labels.map { "\($0.0)=\"\(escape($0.1))\"" }.joined(separator: ",") + "}"
        lines.append("pricing_\(name)\(labels) \(format(sample.value))")
      }
    }
    metric("run_exit_code", "Exit code of the last pricing run (0: succeeded).", [([], Double(exitCode))])
    metric(
      "run_finished_timestamp_seconds", "When the last pricing run ended, in seconds since 1970.",
      [([], finishedAt.timeIntervalSince1970)])
    let ran = steps.filter { $0.status != "skipped" }
    metric(
      "run_step_duration_seconds", "Seconds each step of the last pricing run took.",
      ran.map { ([("step", $0.step)], $0.seconds) })
    metric(
      "run_step_rows", "Rows each step of the last pricing run handled.",
      ran.compactMap { step in step.rows.map { ([("step", step.step)], Double($0)) } })
    metric(
      "run_step_attempts", "Attempts each step of the last pricing run made.",
      ran.map { ([("step", $0.step)], Double($0.attempts)) })
    metric(
      "run_step_succeeded", "1 when the step succeeded, 0 when it failed, was rejected or skipped.",
      steps.map { ([("step", $0.step)], $0.status == "succeeded" ? 1 : 0) })
    if let status {
      if let last = status.last_success_epoch {
        metric(
          "run_last_success_timestamp_seconds", "When a pricing run last succeeded, in seconds since 1970.",
          [([], last)])
      }
      if let version = status.current_version {
        metric("price_age_hours", "Hours since the current prices were published.", [([], version.age_hours)])
      }
      metric(
        "quarantined_rows", "Source rows in quarantine, by table and rule.",
        status.quarantined_by_rule.sorted { $0.key < $1.key }.map { ([("rule", $0.key)], Double($0.value)) })
      metric(
        "reconciliation_exceptions_open", "Open booking/payment inconsistencies, by kind.",
        status.open_reconciliation_exceptions.sorted { $0.key < $1.key }.map { ([("kind", $0.key)], Double($0.value)) })
      metric("healthy", "1 when pricing status finds no problem.", [([], status.healthy ? 1 : 0)])
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// Writes `text` to `path` whole: a temporary file beside it, then rename(2). A symbolic link is followed
  /// (the file it names is replaced, the link stays); a path that is something other than a regular file
  /// (a folder, a device such as /dev/stdout) is refused, since renaming over it would replace it.
  public static func write(_ text: String, to path: String) throws {
    let url = URL(fileURLWithPath: path).resolvingSymlinksInPath()
    var status = stat()
    if stat(url.path, &status) == 0 && (status.st_mode & S_IFMT) != S_IFREG {
      throw PipelineError(code: .output, message: "metrics file \(path): not a regular file; name a file")
    }
    let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
    do {
      try Data(text.utf8).write(to: temporary)
      guard rename(temporary.path, url.path) == 0 else {
        throw PipelineError(code: .output, message: "metrics file \(path): \(String(cString: strerror(errno)))")
      }
    } catch let error as PipelineError {
      try? FileManager.default.removeItem(at: temporary)
      throw error
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      throw PipelineError(code: .output, message: "metrics file \(path): cannot write (\(error.localizedDescription))")
    }
  }

  /// A label value with `\`, `"` and line feeds escaped.
  static func escape(_ value: String) -> String {
    value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
      .replacingOccurrences(of: "\n", with: "\\n")
  }

  static func format(_ value: Double) -> String {
    if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
    return String(value)
  }
}
