extension ReportCatalog {
  static let dataQualityTables: [ReportTableSpec] = [
    ReportTableSpec(
      id: "quarantine_by_rule", title: "Quarantined rows by rule",
      caption:
        "Source rows ingest refused, by table and validation rule (currently quarantined; docs/ingest.md names the rules).",
      sql: """
        SELECT source_table, rule, count(*) AS rows,
               to_char(min(first_seen), 'YYYY-MM-DD HH24:MI') AS first_seen_utc,
               to_char(max(last_seen), 'YYYY-MM-DD HH24:MI') AS last_seen_utc
        FROM {{schema}}.quarantine GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2
        """),
    ReportTableSpec(
      id: "reconciliation_by_kind", title: "Open reconciliation exceptions",
      caption:
        "Bookings and payments that do not add up, by kind, with up to five example keys (b = booking, p = payment).",
      sql: """
        SELECT kind, count(*) AS exceptions,
               array_to_string((array_agg(
                 concat_ws(' ', 'b' || booking_id, 'p' || payment_id) ORDER BY booking_id, payment_id))[1:5], ', ')
                 AS example_keys
        FROM {{schema}}.reconciliation_exceptions GROUP BY 1 ORDER BY 2 DESC, 1
        """),
    ReportTableSpec(
      id: "ingest_freshness", title: "Ingest freshness",
      caption: "Per source table: the newest change read (watermark) and when ingest last advanced it; ages in hours.",
      sql: """
        SELECT source_table, to_char(watermark, 'YYYY-MM-DD HH24:MI') AS newest_row_utc,
               round((extract(epoch FROM now() - watermark) / 3600)::numeric, 1) AS newest_row_age_hours,
               to_char(updated_at, 'YYYY-MM-DD HH24:MI') AS last_ingest_utc,
               round((extract(epoch FROM now() - updated_at) / 3600)::numeric, 1) AS last_ingest_age_hours, run_id
        FROM {{schema}}.ingest_watermarks ORDER BY 1
        """),
  ]

  static let dataQualitySections: [ReportSectionSpec] = [
    ReportSectionSpec(
      id: "data-quality", title: "Data quality",
      intro:
        "What ingest refused or could not reconcile, and how fresh the copied data is. Keys only, no personal data.",
      blocks: [
        .chart(
          ReportChart(
            .bars(
              table: "quarantine_by_rule", label: "rule", value: "rows", title: "Quarantined rows by rule",
              description: "Number of source rows held in quarantine for each validation rule."),
            howToRead:
              "Each bar counts the source rows held back by one validation rule; a bar that grows from one report to the next points at a change upstream (docs/ingest.md explains each rule)."
          )),
        .table("quarantine_by_rule"),
        .table("reconciliation_by_kind"),
        .table("ingest_freshness"),
      ])
  ]
}
