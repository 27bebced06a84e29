extension ReportCatalog {
  /// The Monday of the period's last complete week (`ReportPeriod.lastCompleteWeek`), NULL when the
  /// period holds none.
  static let lastCompleteWeek =
    "(SELECT CASE WHEN m >= $1 THEN m END FROM (SELECT \(monday("$2::date + 1")) - 7 AS m) AS last)"

  /// The admin's first screen: the last complete week against the week before and the same week a year
  /// earlier (52 weeks back, so the same weekdays). Counts, money and the mean multiplier change
  /// relatively (this / other - 1); rates change in points (this - other). Money stays per currency.
  static let summaryTables: [ReportTableSpec] = [
    ReportTableSpec(
      id: "summary", title: "This week against last week and a year ago",
      caption:
        "The last complete week (Monday to Sunday) of the period against the week before and the week 52 weeks earlier. Change: relative (0.05 = 5% more) for counts, money and the multiplier; in points (0.01 = one point) for rates. Money per currency. Utilisation = booked slots (not cancelled) / the weekly capacity of today's providers; mean multiplier = mean of charged / list price.",
      htmlRowLimit: 200,
      sql: """
        WITH weeks AS (
          SELECT w.label, w.monday
          FROM (SELECT \(lastCompleteWeek) AS m) AS last,
               LATERAL (VALUES ('this_week', last.m), ('previous_week', last.m - 7), ('year_ago_week', last.m - 364))
                 AS w(label, monday)
          WHERE last.m IS NOT NULL
        ), per_currency AS (
          -- the work table holds the comparison weeks too (report_service_weeks)
          SELECT wk.label, s.currency, sum(s.bookings) AS bookings, sum(s.completed) AS completed,
                 sum(s.cancelled) AS cancelled, sum(s.gmv) AS gmv, sum(s.paid) - sum(s.refunds) AS net_revenue,
                 sum(s.refunds) AS refunds, sum(s.ratio_sum) AS ratio_sum
          FROM weeks wk JOIN report_service_weeks s ON s.week = wk.monday
          GROUP BY 1, 2
        ), totals AS (
          SELECT wk.label, coalesce(sum(pc.bookings), 0) AS bookings, coalesce(sum(pc.completed), 0) AS completed,
                 coalesce(sum(pc.cancelled), 0) AS cancelled, sum(pc.ratio_sum) AS ratio_sum
          FROM weeks wk LEFT JOIN per_currency pc USING (label) GROUP BY 1
        ), capacity AS (
          SELECT sum(p.weekly_capacity) AS slots FROM {{schema}}.providers p
          WHERE NOT p.source_deleted AND EXISTS (
            SELECT FROM {{schema}}.services s WHERE s.provider_id = p.provider_id AND s.active AND NOT s.source_deleted)
        ), money AS (
          SELECT cur.currency, t.label, t.bookings, pc.gmv, pc.net_revenue, pc.refunds
          FROM (SELECT DISTINCT currency FROM per_currency) cur CROSS JOIN totals t
          LEFT JOIN per_currency pc ON pc.currency = cur.currency AND pc.label = t.label
        ), measures AS (
          SELECT 1 AS position, 'bookings' AS measure, NULL::text AS currency, 'relative' AS change, label,
                 bookings::numeric AS value FROM totals
          UNION ALL
          SELECT 2, 'completion_rate', NULL, 'points', label, round(completed::numeric / nullif(bookings, 0), 4) FROM totals
          UNION ALL
          SELECT 3, 'cancellation_rate', NULL, 'points', label, round(cancelled::numeric / nullif(bookings, 0), 4)
          FROM totals
          UNION ALL
          SELECT 4, 'utilisation', NULL, 'points', label,
                 round((bookings - cancelled) / nullif((SELECT slots FROM capacity), 0), 4) FROM totals
          UNION ALL
          SELECT 5, 'mean_multiplier', NULL, 'relative', label, round(ratio_sum / nullif(bookings, 0), 4) FROM totals
          UNION ALL
          SELECT 6, 'gmv', currency, 'relative', label, CASE WHEN bookings > 0 THEN round(coalesce(gmv, 0), 2) END
          FROM money
          UNION ALL
          SELECT 7, 'net_revenue', currency, 'relative', label,
                 CASE WHEN bookings > 0 THEN round(coalesce(net_revenue, 0), 2) END FROM money
          UNION ALL
          SELECT 8, 'refunds', currency, 'relative', label,
                 CASE WHEN bookings > 0 THEN round(coalesce(refunds, 0), 2) END FROM money
        ), pivoted AS (
          SELECT position, measure, currency, change,
                 max(value) FILTER (WHERE label = 'this_week') AS this_week,
                 max(value) FILTER (WHERE label = 'previous_week') AS previous_week,
                 max(value) FILTER (WHERE label = 'year_ago_week') AS year_ago_week
          FROM measures GROUP BY 1, 2, 3, 4
        )
        SELECT measure, currency, change AS change_type, this_week, previous_week, year_ago_week,
               CASE change WHEN 'relative' THEN round(this_week / nullif(previous_week, 0) - 1, 4)
                           ELSE round(this_week - previous_week, 4) END AS change_vs_previous,
               CASE change WHEN 'relative' THEN round(this_week / nullif(year_ago_week, 0) - 1, 4)
                           ELSE round(this_week - year_ago_week, 4) END AS change_vs_year_ago
        FROM pivoted ORDER BY position, currency
        """),
    ReportTableSpec(
      id: "attention_facts", title: "What the attention list is judged on",
      caption:
        "The newest fit, publish decision and pipeline run (with its first failed step), the share of the served table at its lower bound, rows first quarantined in the last 24 hours, and the age of the stalest ingest; the configuration's [report] thresholds decide what needs attention.",
      sql: """
        WITH fit AS (
          SELECT run_id, status, array_to_string(reasons, '; ') AS reasons FROM {{schema}}.model_runs
          ORDER BY run_id DESC LIMIT 1
        ), decision AS (
          SELECT event_id, action, run_id,
                 (SELECT string_agg(g->>'name', ', ') FROM jsonb_array_elements(guardrails) g
                  WHERE g->>'passed' = 'false') AS failed_guardrails
          FROM {{schema}}.publish_events ORDER BY event_id DESC LIMIT 1
        ), run AS (
          -- the newest pipeline run, the one writing this report included, and its first failed step
          SELECT r.run_id, r.status, r.error, s.step AS failed_step, s.error AS step_error
          FROM {{schema}}.runs r
          LEFT JOIN LATERAL (
            SELECT step, error FROM {{schema}}.run_steps
            WHERE run_id = r.run_id AND status IN ('failed', 'rejected') ORDER BY started_at LIMIT 1) s ON true
          WHERE r.command = 'run' ORDER BY r.run_id DESC LIMIT 1
        ), \(describedModel), floor_share AS (
          SELECT round(count(*) FILTER (
                   WHERE m.multiplier <= (SELECT (config->>'min_multiplier')::numeric FROM model) + 0.00005
                 )::numeric / nullif(count(*), 0), 4) AS share
          FROM {{schema}}.current_multipliers m
        )
        SELECT (SELECT run_id FROM fit) AS fit_run_id, (SELECT status FROM fit) AS fit_status,
               (SELECT reasons FROM fit) AS fit_reasons,
               (SELECT event_id FROM decision) AS publish_event_id, (SELECT action FROM decision) AS publish_action,
               (SELECT run_id FROM decision) AS publish_run_id,
               (SELECT failed_guardrails FROM decision) AS publish_failed_guardrails,
               (SELECT run_id FROM run) AS pipeline_run_id, (SELECT status FROM run) AS pipeline_run_status,
               (SELECT error FROM run) AS pipeline_run_error, (SELECT failed_step FROM run) AS pipeline_failed_step,
               (SELECT step_error FROM run) AS pipeline_step_error,
               (SELECT version_id FROM cur) AS served_version_id,
               (SELECT share FROM floor_share) AS share_at_floor,
               (SELECT count(*) FROM {{schema}}.quarantine WHERE first_seen > now() - interval '24 hours')
                 AS quarantined_last_24h,
               (SELECT round((extract(epoch FROM now() - min(updated_at)) / 3600)::numeric, 1)
                  FROM {{schema}}.ingest_watermarks) AS stalest_ingest_age_hours
        """),
  ]
}
