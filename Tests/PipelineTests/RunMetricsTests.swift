import Foundation
import Testing
import Warehouse

@testable import Pipeline

@Suite("Run metrics in the Prometheus text format")
struct RunMetricsTests {
  @Test("each metric has HELP and TYPE lines, labels are escaped, skipped steps have no duration")
  func render() throws {
    let steps = [
      PipelineStepResult(
        step: "ingest", status: "succeeded", rows: 120, exitCode: 0, error: nil, attempts: 2, seconds: 1.5, details: [:]),
      PipelineStepResult(
        step: "fit", status: "rejected", rows: nil, exitCode: 81, error: "x", attempts: 1, seconds: 3, details: [:]),
      PipelineStepResult(
        step: "publish", status: "skipped", rows: nil, exitCode: 0, error: nil, attempts: 0, seconds: 0, details: [:]),
    ]
    let text = RunMetrics.render(
      exitCode: 81, finishedAt: Date(timeIntervalSince1970: 1_800_000_000), steps: steps, status: nil)
    let lines = text.split(separator: "\n").map(String.init)
    #expect(lines.contains("pricing_run_exit_code 81"))
    #expect(lines.contains("pricing_run_finished_timestamp_seconds 1800000000"))
    #expect(lines.contains("pricing_run_step_duration_seconds{step=\"ingest\"} 1.5"))
    #expect(lines.contains("pricing_run_step_rows{step=\"ingest\"} 120"))
    #expect(lines.contains("pricing_run_step_attempts{step=\"ingest\"} 2"))
    #expect(lines.contains("pricing_run_step_succeeded{step=\"fit\"} 0"))
    #expect(lines.contains("pricing_run_step_succeeded{step=\"publish\"} 0"))
    #expect(!text.contains("duration_seconds{step=\"publish\"}"))
    for name in ["run_exit_code", "run_step_duration_seconds", "run_step_rows"] {
      #expect(lines.contains("# TYPE pricing_\(name) gauge"))
      #expect(lines.contains { $0.hasPrefix("# HELP pricing_\(name) ") })
    }
    #expect(RunMetrics.escape("a\"b\\c\nd") == "a\\\"b\\\\c\\nd")
  }

  @Test("the file is written whole, replacing the previous one; an unwritable place is an output error")
  func write() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(UUID())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("pricing.prom").path
    try RunMetrics.write("a 1\n", to: path)
    try RunMetrics.write("b 2\n", to: path)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "b 2\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["pricing.prom"])
    let error = #expect(throws: PipelineError.self) { try RunMetrics.write("x", to: "/nonexistent/dir/pricing.prom") }
    #expect(error?.code == .output)
  }
}
