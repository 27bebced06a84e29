import Postgres
import Reports
import Testing
import Warehouse

@Suite("Needs attention: every condition, its threshold and its message")
struct NeedsAttentionTests {
  static let columns = [
    "fit_run_id", "fit_status", "fit_reasons", "publish_event_id", "publish_action", "publish_run_id",
    "publish_failed_guardrails", "pipeline_run_id", "pipeline_run_status", "pipeline_run_error",
    "pipeline_failed_step", "pipeline_step_error", "served_version_id",
    "share_at_floor", "quarantined_last_24h", "stalest_ingest_age_hours",
  ]

  static func report(_ values: [String: String?]) throws -> Report {
    let healthy: [String: String?] = [
      "fit_run_id": "7", "fit_status": "fitted", "fit_reasons": "", "publish_event_id": "3",
      "publish_action": "publish",
      "publish_run_id": "7", "publish_failed_guardrails": nil, "pipeline_run_id": "9",
      "pipeline_run_status": "succeeded",
      "pipeline_run_error": nil, "pipeline_failed_step": nil, "pipeline_step_error": nil, "served_version_id": "4", "share_at_floor": "0.2100", "quarantined_last_24h": "3",
      "stalest_ingest_age_hours": "2.5",
    ]
    let merged = healthy.merging(values) { _, new in new }
    let spec = try #require(ReportCatalog.table("attention_facts"))
    return Report(
      period: try ReportPeriod(from: LocalDate(iso: "2026-11-01")!, to: LocalDate(iso: "2026-12-06")!),
      generatedAt: "2026-12-07 04:00:00", database: "test",
      tables: ["attention_facts": ReportTable(spec: spec, columns: columns, rows: [columns.map { merged[$0] ?? nil }])])
  }

  static let today = LocalDate(iso: "2026-12-07")!

  @Test("a healthy warehouse needs nothing")
  func healthy() throws {
    #expect(
      NeedsAttention(settings: ReportSettings()).evaluate(try Self.report([:]), calendar: nil, today: Self.today) == [])
  }

  @Test("every failing condition is listed in order, each with its section, verbatim")
  func everything() throws {
    let report = try Self.report([
      "pipeline_run_status": "failed", "pipeline_run_error": "publish: guardrail drift failed",
      "fit_status": "rejected", "fit_reasons": "holdout WAPE 0.31 worse than the baseline's 0.28",
      "publish_action": "reject", "publish_failed_guardrails": "drift, impact", "served_version_id": nil,
      "share_at_floor": "0.6500", "quarantined_last_24h": "150", "stalest_ingest_age_hours": "40.5",
    ])
    let calendar = StatusReport.Calendar(
      file: "data/holidays.csv", lastDay: LocalDate(iso: "2027-01-20"), error: nil, horizonDays: 28)
    let items = NeedsAttention(settings: ReportSettings()).evaluate(report, calendar: calendar, today: Self.today)
    #expect(
      items.map(\.condition) == [
        "run_failed", "fit_rejected", "publish_refused", "nothing_published", "prices_at_floor", "quarantine_spike",
        "ingest_stale", "calendar",
      ])
    #expect(
      items.map(\.section) == [
        "runs", "model", "decisions", "prices", "prices", "data-quality", "data-quality", "model",
      ])
    #expect(
      items.map(\.message) == [
        "The newest pipeline run (9) failed: publish: guardrail drift failed.",
        "The newest fit (run 7) was rejected: holdout WAPE 0.31 worse than the baseline's 0.28.",
        "The newest publish (run 7, event 3) was refused by the guardrails drift, impact; the previous prices keep serving.",
        "No prices are published: the booking service has no table to read.",
        "65% of the served multipliers sit at their lower bound (threshold 50%).",
        "150 source rows were quarantined in the last 24 hours (threshold 100).",
        "Ingest last advanced a source table 40.5 hours ago (threshold 36 hours).",
        "The holiday calendar data/holidays.csv ends on 2027-01-20, 17 days after the horizon's last day 2027-01-03 (threshold 30 days): regenerate it (jobs/make-holidays).",
      ])
  }

  @Test("thresholds come from the settings; a calendar ending before the horizon, and ingest that never ran")
  func thresholds() throws {
    var settings = ReportSettings()
    settings.floorShare = 0.7
    settings.quarantineSpikeRows = 200
    settings.maxIngestAgeHours = 48
    settings.calendarWarningDays = 10
    let report = try Self.report([
      "share_at_floor": "0.6500", "quarantined_last_24h": "150", "stalest_ingest_age_hours": "40.5",
    ])
    let calendar = StatusReport.Calendar(
      file: "data/holidays.csv", lastDay: LocalDate(iso: "2027-01-20"), error: nil, horizonDays: 28)
    #expect(NeedsAttention(settings: settings).evaluate(report, calendar: calendar, today: Self.today) == [])
    let ended = StatusReport.Calendar(
      file: "data/holidays.csv", lastDay: LocalDate(iso: "2026-12-28"), error: nil, horizonDays: 28)
    let never = try Self.report(["stalest_ingest_age_hours": nil])
    #expect(
      NeedsAttention(settings: settings).evaluate(never, calendar: ended, today: Self.today).map(\.message) == [
        "Ingest has never run.",
        "Warning: the holiday calendar data/holidays.csv ends on 2026-12-28, before the horizon's last day 2027-01-03: regenerate it (jobs/make-holidays).",
      ])
  }

  @Test("the run writing the report says when one of its steps failed; a run whose process is gone is flagged")
  func runningAndInterrupted() throws {
    let running = try Self.report([
      "pipeline_run_id": "12", "pipeline_run_status": "running", "pipeline_failed_step": "ingest",
      "pipeline_step_error": "cannot connect to the source",
    ])
    let interrupted = RunRecorder.OpenRun(runID: 11, command: "run", host: "db1", pid: 4242, process: nil)
    let items = NeedsAttention(settings: ReportSettings()).evaluate(
      running, calendar: nil, today: Self.today, interrupted: [interrupted])
    #expect(
      items == [
        AttentionItem(
          condition: "run_failed",
          message: "The pipeline run 12, still going, failed at its ingest step: cannot connect to the source.",
          section: "runs"),
        AttentionItem(
          condition: "run_interrupted",
          message:
            "Run 11 (run) was interrupted: recorded as running, but its process is gone; the next pricing run closes it.",
          section: "runs"),
      ])
    // A run still going with no failed step needs nothing.
    let fine = try Self.report(["pipeline_run_status": "running"])
    #expect(NeedsAttention(settings: ReportSettings()).evaluate(fine, calendar: nil, today: Self.today) == [])
  }
}
