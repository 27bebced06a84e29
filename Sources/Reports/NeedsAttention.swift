import Postgres
import Warehouse

/// Decides the report's "Needs attention" list from the computed `attention_facts` table, the holiday
/// calendar and the `[report]` thresholds. Pure: no database.
public struct NeedsAttention: Sendable {
  public let settings: ReportSettings

  public init(settings: ReportSettings) {
    self.settings = settings
  }

  /// Every condition that holds, in a fixed order (failures first). `today` is the first day the prices
  /// must cover, from which the calendar's horizon is counted.
  /// `interrupted`: runs recorded as running whose process is gone (`RunRecorder.isInterrupted`).
  public func evaluate(
    _ report: Report, calendar: StatusReport.Calendar?, today: LocalDate, interrupted: [RunRecorder.OpenRun] = []
  ) -> [AttentionItem] {
    var items: [AttentionItem] = []
    let facts = report["attention_facts"]
    func text(_ column: String) -> String? {
      guard let facts, let row = facts.rows.first, let index = facts.column(column) else { return nil }
      return row[index].flatMap { $0.isEmpty ? nil : $0 }
    }
    func number(_ column: String) -> Double? { text(column).flatMap(ReportTable.number) }

    if let status = text("pipeline_run_status") {
      let id = text("pipeline_run_id") ?? "?"
      if status == "failed" || status == "rejected" {
        let error = text("pipeline_run_error").map { ": " + $0 } ?? ""
        items.append(
          AttentionItem(
            condition: "run_failed", message: "The newest pipeline run (\(id)) \(status)\(error).", section: "runs"))
      } else if status == "running", let step = text("pipeline_failed_step") {
        // The run writing this report (or one still going): its failed step is already recorded.
        let error = text("pipeline_step_error").map { ": " + $0 } ?? ""
        items.append(
          AttentionItem(
            condition: "run_failed", message: "The pipeline run \(id), still going, failed at its \(step) step\(error).",
            section: "runs"))
      }
    }
    for run in interrupted {
      items.append(
        AttentionItem(
          condition: "run_interrupted",
          message: "Run \(run.runID) (\(run.command)) was interrupted: recorded as running, but its process is gone; the next pricing run closes it.",
          section: "runs"))
    }
    if text("fit_status") == "rejected" {
      let reasons = text("fit_reasons").map { ": " + $0 } ?? ""
      items.append(
        AttentionItem(
          condition: "fit_rejected",
          message: "The newest fit (run \(text("fit_run_id") ?? "?")) was rejected\(reasons).", section: "model"))
    }
    if text("publish_action") == "reject" {
      let failed = text("publish_failed_guardrails").map { " by the guardrails " + $0 } ?? ""
      items.append(
        AttentionItem(
          condition: "publish_refused",
          message:
            "The newest publish (run \(text("publish_run_id") ?? "?"), event \(text("publish_event_id") ?? "?")) was refused\(failed); the previous prices keep serving.",
          section: "decisions"))
    }
    if facts != nil, text("served_version_id") == nil {
      items.append(
        AttentionItem(
          condition: "nothing_published", message: "No prices are published: the booking service has no table to read.",
          section: "prices"))
    }
    if let share = number("share_at_floor"), share >= settings.floorShare {
      items.append(
        AttentionItem(
          condition: "prices_at_floor",
          message:
            "\(NeedsAttention.percent(share)) of the served multipliers sit at their lower bound (threshold \(NeedsAttention.percent(settings.floorShare))).",
          section: "prices"))
    }
    if let rows = number("quarantined_last_24h"), rows >= Double(settings.quarantineSpikeRows) {
      items.append(
        AttentionItem(
          condition: "quarantine_spike",
          message:
            "\(Int(rows)) source rows were quarantined in the last 24 hours (threshold \(settings.quarantineSpikeRows)).",
          section: "data-quality"))
    }
    if facts != nil {
      if let age = number("stalest_ingest_age_hours") {
        if age > settings.maxIngestAgeHours {
          items.append(
            AttentionItem(
              condition: "ingest_stale",
              message:
                "Ingest last advanced a source table \(ReportTable.plain(age)) hours ago (threshold \(ReportTable.plain(settings.maxIngestAgeHours)) hours).",
              section: "data-quality"))
        }
      } else {
        items.append(
          AttentionItem(condition: "ingest_stale", message: "Ingest has never run.", section: "data-quality"))
      }
    }
    if let calendar, let message = calendarProblem(calendar, today: today) {
      items.append(AttentionItem(condition: "calendar", message: message, section: "model"))
    }
    return items
  }

  /// The calendar cannot be read, ends before the horizon, or ends within `calendarWarningDays` after it.
  func calendarProblem(_ calendar: StatusReport.Calendar, today: LocalDate) -> String? {
    if let problem = calendar.problem(today: today) { return "Warning: " + problem + "." }
    guard let lastDay = calendar.lastDay else { return nil }
    let horizonEnd = today.adding(days: calendar.horizonDays - 1)
    let margin = lastDay.daysSinceEpoch - horizonEnd.daysSinceEpoch
    guard margin < settings.calendarWarningDays else { return nil }
    return
      "The \(calendar.kind) \(calendar.file) ends on \(lastDay), \(margin) days after the horizon's last day \(horizonEnd) (threshold \(settings.calendarWarningDays) days): \(calendar.remedy)."
  }

  static func percent(_ share: Double) -> String {
    let value = (share * 1000).rounded() / 10
    return "\(ReportTable.plain(value))%"
  }
}
