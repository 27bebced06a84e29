/// Every table and section of the report, in the order of the HTML. The SQL lives in
/// `ReportCatalog+Marketplace.swift`, `+DataQuality.swift`, `+Pricing.swift` and `+Learning.swift`; docs/reports.md lists
/// each table's columns and definitions.
public enum ReportCatalog {
  public static var tables: [ReportTableSpec] {
    summaryTables + marketplaceTables + dataQualityTables + pricingTables + learningTables + runTables
  }

  public static var sections: [ReportSectionSpec] {
    marketplaceSections + dataQualitySections + pricingSections + learningSections + runSections
  }

  /// Temporary work tables several tables read, created first in the report's transaction.
  public static var workTables: [ReportWorkTable] { marketplaceWorkTables }

  public static func table(_ id: String) -> ReportTableSpec? { tables.first { $0.id == id } }

  // MARK: - Runs

  static let runTables: [ReportTableSpec] = [
    ReportTableSpec(
      id: "last_pipeline_run", title: "Steps of the last pipeline run",
      caption:
        "The steps of the newest pricing run: a failed or rejected step names its error and exit code (docs/cli.md); the steps after it are skipped except this report.",
      sql: """
        WITH last AS (SELECT max(run_id) AS run_id FROM {{schema}}.runs WHERE command = 'run')
        SELECT s.run_id, s.step, s.status, to_char(s.started_at, 'YYYY-MM-DD HH24:MI:SS') AS started_utc,
               round(extract(epoch FROM s.finished_at - s.started_at)::numeric, 1) AS seconds, s.rows, s.exit_code,
               s.error
        FROM {{schema}}.run_steps s JOIN last USING (run_id)
        ORDER BY s.started_at, s.step
        """),
    ReportTableSpec(
      id: "recent_runs", title: "Recent pipeline runs",
      caption: "The last 20 runs of the pipeline's commands, newest first, with the steps of each run.",
      sql: """
        SELECT r.run_id, r.command, r.status, to_char(r.started_at, 'YYYY-MM-DD HH24:MI:SS') AS started_utc,
               round(extract(epoch FROM r.finished_at - r.started_at)::numeric, 1) AS seconds, r.exit_code,
               (SELECT string_agg(s.step || ' ' || s.status, ', ' ORDER BY s.started_at)
                  FROM {{schema}}.run_steps s WHERE s.run_id = r.run_id) AS steps,
               r.error
        FROM {{schema}}.runs r ORDER BY r.run_id DESC LIMIT 20
        """),
  ]

  static let runSections: [ReportSectionSpec] = [
    ReportSectionSpec(
      id: "runs", title: "Pipeline runs",
      intro: "What ran recently and how it ended; a failed step names its error here.",
      blocks: [.table("recent_runs"), .table("attention_facts")])
  ]
}
