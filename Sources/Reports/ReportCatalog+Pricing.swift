extension ReportCatalog {
  /// The published version readers see, its predecessor and its model run (the pointer carries the
  /// run since migration 8).
  static let currentVersion = """
    cur AS (SELECT version_id, previous_version_id, run_id FROM {{schema}}.current_version)
    """

  /// The model run the pricing diagnostics describe: the current version's, or the newest when nothing is
  /// published yet.
  static let describedModel = """
    \(currentVersion), model AS (
      SELECT * FROM {{schema}}.model_runs
      WHERE run_id = coalesce((SELECT run_id FROM cur), (SELECT max(run_id) FROM {{schema}}.model_runs))
    )
    """

  /// One stored impact estimate's lines (`model_runs.impact`, `PriceImpact`) of the described model: the
  /// total, by category and by city, per currency, against `flat` or `current`.
  static func impactLines(_ against: String) -> String {
    """
    SELECT 'total' AS scope, 'all' AS name, l FROM model, jsonb_array_elements(model.impact->'\(against)'->'total') l
    UNION ALL
    SELECT 'category', l->>'category', l FROM model, jsonb_array_elements(model.impact->'\(against)'->'by_category') l
    UNION ALL
    SELECT 'city', l->>'city', l FROM model, jsonb_array_elements(model.impact->'\(against)'->'by_city') l
    """
  }

  /// A JSON number of an impact line as numeric ("NaN" strings and nulls stay NULL).
  static func impactNumber(_ path: String) -> String {
    "CASE WHEN jsonb_typeof(\(path)) = 'number' THEN (\(path))::text::numeric END"
  }

  static let pricingImpactTables: [ReportTableSpec] = [
    ReportTableSpec(
      id: "pricing_impact_summary", title: "Expected impact of the prices being served",
      caption:
        "The model run behind the served prices: share of priced band-days at the lower bound, at the upper bound and held back by the daily-change limit. Shares: 0.25 = 25%.",
      sql: """
        WITH \(describedModel)
        SELECT run_id, impact->'current'->>'against' AS compared_with,
               (impact->'flat'->>'cells')::bigint AS priced_band_days,
               round((impact->'flat'->>'share_at_floor')::numeric, 4) AS share_at_floor,
               round((impact->'flat'->>'share_at_ceiling')::numeric, 4) AS share_at_ceiling,
               round((impact->'flat'->>'share_held_by_daily_limit')::numeric, 4) AS share_held_by_daily_limit,
               config->>'objective' AS objective
        FROM model WHERE impact IS NOT NULL
        """),
    ReportTableSpec(
      id: "pricing_impact", title: "Expected GMV: these prices against flat prices and the previous table",
      caption:
        "Expected over the horizon under the demand model (served bookings are at most capacity). Change = expected GMV / GMV at flat prices - 1, with its 90% interval from the model's uncertainty; against current = the table served when the run was fitted. Money in each currency, never added across currencies.",
      htmlRowLimit: 40,
      sql: """
        WITH \(describedModel),
        flat AS (\(impactLines("flat"))),
        cur_lines AS (\(impactLines("current")))
        SELECT f.scope, f.name, f.l->>'currency' AS currency,
               round(\(impactNumber("f.l->'gmv'")), 2) AS expected_gmv,
               round(\(impactNumber("f.l->'gmv_against'")), 2) AS gmv_flat_prices,
               round(\(impactNumber("f.l->'gmv_change'")), 4) AS change_vs_flat,
               round(\(impactNumber("f.l->'gmv_change_interval'->'low'")), 4) AS change_low,
               round(\(impactNumber("f.l->'gmv_change_interval'->'high'")), 4) AS change_high,
               round(\(impactNumber("c.l->'gmv_against'")), 2) AS gmv_previous_table,
               round(\(impactNumber("c.l->'gmv_change'")), 4) AS change_vs_previous,
               round(\(impactNumber("f.l->'bookings'")), 1) AS expected_bookings,
               round(\(impactNumber("f.l->'bookings_against'")), 1) AS bookings_flat_prices,
               round(\(impactNumber("f.l->'utilisation'")), 3) AS utilisation
        FROM flat f
        LEFT JOIN cur_lines c ON c.scope = f.scope AND c.name = f.name AND c.l->>'currency' = f.l->>'currency'
        ORDER BY CASE f.scope WHEN 'total' THEN 0 WHEN 'category' THEN 1 ELSE 2 END, f.name, 3
        """),
    ReportTableSpec(
      id: "promised_vs_realised", title: "Did the published prices do what they promised?",
      caption:
        "For each version that served days of the period (from the day it was published or rolled back to, until the next one): bookings and booked GMV realised on those days against what its model run expected. Bookings count as the model counts them (all bookings, later cancellations included); days still to come are not counted. Ratio = realised / expected.",
      sql: """
        WITH changes AS (
          SELECT e.version_id, coalesce(e.run_id, v.run_id) AS run_id, e.decided_at::date AS first_day,
                 lead(e.decided_at::date) OVER (ORDER BY e.event_id) AS next_day
          FROM {{schema}}.publish_events e LEFT JOIN {{schema}}.price_versions v USING (version_id)
          WHERE e.action IN ('publish', 'rollback') AND e.version_id IS NOT NULL),
        served AS (
          SELECT c.version_id, c.run_id, d::date AS day
          FROM changes c,
               generate_series(greatest(c.first_day, $1::date),
                               least(coalesce(c.next_day - 1, $2::date), $2::date, (now() AT TIME ZONE 'UTC')::date - 1),
                               interval '1 day') d),
        expected AS (
          SELECT s.version_id, s.run_id, o.currency, count(DISTINCT s.day) AS days,
                 sum(o.expected_bookings) AS expected_bookings, sum(o.expected_gmv) AS expected_gmv
          FROM served s JOIN {{schema}}.expected_outcomes o ON o.run_id = s.run_id AND o.valid_on = s.day
          GROUP BY 1, 2, 3),
        realised AS (
          SELECT s.version_id, b.currency, count(*) AS bookings, sum(b.charged_price) AS gmv
          FROM served s
          JOIN {{schema}}.booking_facts b ON b.local_date = s.day AND NOT b.source_deleted
          WHERE EXISTS (SELECT 1 FROM {{schema}}.expected_outcomes o
                        WHERE o.run_id = s.run_id AND o.valid_on = s.day AND o.category = b.category AND o.city = b.city)
          GROUP BY 1, 2)
        SELECT e.version_id, e.run_id, e.currency, e.days,
               round(e.expected_bookings::numeric, 1) AS expected_bookings, coalesce(r.bookings, 0) AS realised_bookings,
               round((coalesce(r.bookings, 0) / nullif(e.expected_bookings, 0))::numeric, 3) AS bookings_ratio,
               round(e.expected_gmv::numeric, 2) AS expected_gmv, coalesce(r.gmv, 0) AS realised_gmv,
               round((coalesce(r.gmv, 0) / nullif(e.expected_gmv, 0)::numeric), 3) AS gmv_ratio
        FROM expected e LEFT JOIN realised r USING (version_id, currency)
        ORDER BY e.version_id DESC, e.currency
        """),
  ]

  static let overrideTables: [ReportTableSpec] = [
    ReportTableSpec(
      id: "manual_overrides", title: "Manual overrides",
      caption:
        "Overrides in force during the period or ended in it (docs/overrides.md). Cells: those of the prices being served that the override decides, with their expected GMV at the override's price and at the model's (bands with providers); realised: bookings and booked GMV in the override's scope on its days within the period from the day it was added, up to yesterday. Money per currency.",
      sql: """
        WITH o AS (
          SELECT * FROM {{schema}}.price_overrides
          WHERE created_at::date <= $2 AND valid_to >= $1 AND (revoked_at IS NULL OR revoked_at::date >= $1)),
        cells AS (
          SELECT ov AS override_id, f.factors->>'currency' AS currency, count(*) AS cells,
                 sum((f.factors->>'expected_gmv')::float8) AS gmv_override,
                 sum((f.factors->>'expected_gmv_dynamic')::float8) AS gmv_model
          FROM {{schema}}.current_version cur
          JOIN {{schema}}.candidate_overrides co ON co.run_id = cur.run_id
          CROSS JOIN LATERAL unnest(co.override_ids) ov
          JOIN {{schema}}.candidate_factors f
            ON f.run_id = co.run_id AND f.category = co.category AND f.city = co.city
           AND f.experience_band = co.experience_band AND f.valid_on = co.valid_on
          WHERE f.factors->>'currency' IS NOT NULL
          GROUP BY 1, 2),
        realised AS (
          SELECT o.override_id, b.currency, count(*) AS bookings, sum(b.charged_price) AS gmv
          FROM o
          LEFT JOIN {{schema}}.experience_bands eb ON eb.band = o.experience_band
          JOIN {{schema}}.booking_facts b
            ON b.category = o.category AND (o.city IS NULL OR b.city = o.city) AND NOT b.source_deleted
           AND b.local_date BETWEEN greatest(o.valid_from, o.created_at::date, $1::date)
                                AND least(o.valid_to, $2::date, (now() AT TIME ZONE 'UTC')::date - 1,
                                          coalesce(o.revoked_at::date, 'infinity'::date),
                                          coalesce(o.expires_at::date - 1, 'infinity'::date))
          WHERE o.experience_band IS NULL
             OR (b.experience_years >= eb.min_years AND (eb.max_years IS NULL OR b.experience_years < eb.max_years))
          GROUP BY 1, 2)
        SELECT o.override_id,
               CASE WHEN o.revoked_at IS NOT NULL THEN 'revoked'
                    WHEN o.expires_at IS NOT NULL AND o.expires_at <= now() THEN 'expired'
                    WHEN o.valid_to < (now() AT TIME ZONE 'UTC')::date THEN 'ended'
                    WHEN o.valid_from > (now() AT TIME ZONE 'UTC')::date THEN 'scheduled'
                    ELSE 'active' END AS status,
               o.kind, o.value, o.category, coalesce(o.city, 'all') AS city,
               coalesce(o.experience_band, 'all') AS experience_band, o.valid_from, o.valid_to, o.reason, o.created_by,
               coalesce(c.currency, r.currency) AS currency, coalesce(c.cells, 0) AS cells,
               round(c.gmv_override::numeric, 2) AS expected_gmv_override, round(c.gmv_model::numeric, 2) AS expected_gmv_model,
               coalesce(r.bookings, 0) AS realised_bookings, r.gmv AS realised_gmv
        FROM o
        LEFT JOIN cells c ON c.override_id = o.override_id
        LEFT JOIN realised r ON r.override_id = o.override_id AND (c.currency IS NULL OR r.currency = c.currency)
        ORDER BY o.override_id DESC, 12
        """),
  ]

  static let pricingTables: [ReportTableSpec] = pricingImpactTables + overrideTables + [
    ReportTableSpec(
      id: "price_version", title: "Prices being served",
      caption: "The published version the booking service reads (pricing.current_multipliers), its age and horizon.",
      sql: """
        WITH \(currentVersion)
        SELECT cur.version_id, cur.run_id, cur.previous_version_id, v.rows,
               to_char(v.published_at, 'YYYY-MM-DD HH24:MI') AS published_utc,
               round((extract(epoch FROM now() - c.updated_at) / 3600)::numeric, 1) AS age_hours, v.forced::text AS forced,
               (SELECT min(valid_on) FROM {{schema}}.published_multipliers m WHERE m.version_id = cur.version_id)
                 AS first_day,
               (SELECT max(valid_on) FROM {{schema}}.published_multipliers m WHERE m.version_id = cur.version_id)
                 AS last_day
        FROM cur JOIN {{schema}}.price_versions v USING (version_id), {{schema}}.current_version c
        """),
    ReportTableSpec(
      id: "multipliers_by_cell", title: "Current multipliers by category, city and band",
      caption: "Mean, lowest and highest multiplier over the horizon's days, per category, city and experience band.",
      htmlRowLimit: 60,
      sql: """
        SELECT m.experience_band, m.category, m.city, count(*) AS days, round(avg(m.multiplier), 3) AS mean_multiplier,
               min(m.multiplier) AS min_multiplier, max(m.multiplier) AS max_multiplier
        FROM {{schema}}.current_multipliers m
        JOIN {{schema}}.experience_bands eb ON eb.band = m.experience_band
        GROUP BY eb.min_years, 1, 2, 3 ORDER BY eb.min_years, 2, 3
        """),
    ReportTableSpec(
      id: "multiplier_distribution", title: "Distribution of current multipliers",
      caption: "Current multipliers (every cell, band and day) in buckets 0.05 wide: from (inclusive) to (exclusive).",
      sql: """
        SELECT round(floor(multiplier / 0.05) * 0.05, 2) AS bucket_from, round(floor(multiplier / 0.05) * 0.05 + 0.05, 2) AS bucket_to,
               count(*) AS multipliers, round(count(*)::numeric / sum(count(*)) OVER (), 4) AS share
        FROM {{schema}}.current_multipliers GROUP BY 1, 2 ORDER BY 1
        """),
    ReportTableSpec(
      id: "multiplier_changes", title: "Changes against the previous version",
      caption:
        "Cells (category, city, band, day) in both the current and the previous version, by direction of change.",
      sql: """
        WITH \(currentVersion), pairs AS (
          SELECT n.multiplier AS now, o.multiplier AS before
          FROM cur
          JOIN {{schema}}.published_multipliers n ON n.version_id = cur.version_id
          JOIN {{schema}}.published_multipliers o ON o.version_id = cur.previous_version_id
            AND (o.category, o.city, o.experience_band, o.valid_on) = (n.category, n.city, n.experience_band, n.valid_on)
        )
        SELECT (SELECT version_id FROM cur) AS version_id, (SELECT previous_version_id FROM cur) AS previous_version_id,
               count(*) AS compared, count(*) FILTER (WHERE now > before) AS raised,
               count(*) FILTER (WHERE now < before) AS lowered, count(*) FILTER (WHERE now = before) AS unchanged,
               round(avg(abs(now / before - 1)), 4) AS mean_absolute_change,
               round(max(now / before - 1), 4) AS largest_rise, round(min(now / before - 1), 4) AS largest_fall
        FROM pairs HAVING count(*) > 0
        """),
    ReportTableSpec(
      id: "largest_changes", title: "Largest moves against the previous version",
      caption: "The 20 cells whose multiplier changed most (relative change), current against previous version.",
      sql: """
        WITH \(currentVersion)
        SELECT n.category, n.city, n.experience_band, n.valid_on, o.multiplier AS previous, n.multiplier AS current,
               round(n.multiplier / o.multiplier - 1, 4) AS change
        FROM cur
        JOIN {{schema}}.published_multipliers n ON n.version_id = cur.version_id
        JOIN {{schema}}.published_multipliers o ON o.version_id = cur.previous_version_id
          AND (o.category, o.city, o.experience_band, o.valid_on) = (n.category, n.city, n.experience_band, n.valid_on)
        WHERE n.multiplier <> o.multiplier
        ORDER BY abs(n.multiplier / o.multiplier - 1) DESC, 1, 2, 3, 4 LIMIT 20
        """),
    ReportTableSpec(
      id: "model_run", title: "The model run behind the prices",
      caption: "The fit that produced the current version (or the newest fit when nothing is published).",
      sql: """
        WITH \(describedModel)
        SELECT run_id, as_of, status, family, converged::text AS converged, iterations, round(theta::numeric, 3) AS theta,
               metrics->>'holdout_start' AS holdout_start, metrics->>'holdout_end' AS holdout_end,
               round((metrics->>'booking_regret')::numeric, 4) AS booking_regret,
               round((metrics->>'pearson_dispersion')::numeric, 4) AS pearson_dispersion,
               array_to_string(reasons, '; ') AS rejection_reasons,
               metrics->>'structure' AS structure,
               round((metrics->'intervals'->>'coverage_80')::numeric, 4) AS coverage_80,
               round((metrics->'intervals'->>'coverage_95')::numeric, 4) AS coverage_95,
               (metrics->>'censored_cells')::bigint AS censored_cells,
               metrics->>'calendar_end' AS calendar_end, metrics->>'calendar_warning' AS calendar_warning
        FROM model
        """),
    ReportTableSpec(
      id: "backtests", title: "Structure chosen by rolling-origin backtests",
      caption:
        "Each candidate structure fitted on the days before each 28-day fold and scored on the fold (WAPE, lower is better): every candidate on the most recent fold, the finalists on all; the chosen one priced.",
      sql: """
        WITH \(describedModel)
        SELECT b->>'structure' AS structure, jsonb_array_length(b->'folds') AS folds,
               round((b->>'mean_wape')::numeric, 4) AS mean_wape, (b->>'finalist')::boolean::text AS finalist,
               (b->>'chosen')::boolean::text AS chosen
        FROM model, jsonb_array_elements(coalesce(model.metrics->'backtests', '[]')) WITH ORDINALITY AS t(b, position)
        ORDER BY t.position
        """),
    ReportTableSpec(
      id: "holdout_metrics", title: "Holdout accuracy against the baselines",
      caption:
        "On the held-out weeks: the model fitted on the weeks before against the seasonal-naive baseline and the last-year baseline (the same week a year earlier scaled by the recent level; empty without a year of history). Deviance explained: higher is better; WAPE: lower is better; calibration: predicted / actual, 1 is calibrated.",
      sql: """
        WITH \(describedModel)
        SELECT k.metric, round((model.metrics->'model'->>k.metric)::numeric, 4) AS model,
               round((model.metrics->'baseline'->>k.metric)::numeric, 4) AS baseline,
               round((model.metrics->'baseline_last_year'->>k.metric)::numeric, 4) AS baseline_last_year
        FROM model, unnest(ARRAY['deviance_explained', 'wape', 'calibration', 'bookings', 'predicted'])
          WITH ORDINALITY AS k(metric, position)
        ORDER BY k.position
        """),
    ReportTableSpec(
      id: "predicted_vs_actual", title: "Predicted against actual bookings by week",
      caption: "Held-out weeks: actual bookings, the model's prediction and the baseline's.",
      sql: """
        WITH \(describedModel)
        SELECT (w->>'week')::date AS week, round((w->>'actual')::numeric, 1) AS actual,
               round((w->>'predicted')::numeric, 1) AS predicted, round((w->>'baseline')::numeric, 1) AS baseline
        FROM model, jsonb_array_elements(coalesce(model.metrics->'by_week', '[]')) AS w
        ORDER BY 1
        """),
    ReportTableSpec(
      id: "calibration", title: "Calibration by category and city",
      caption: "Predicted / actual bookings over the held-out weeks per category and per city (1 is calibrated).",
      htmlRowLimit: 100,
      sql: """
        WITH \(describedModel)
        SELECT 'category' AS grouping, key AS "group", round(value::numeric, 4) AS predicted_over_actual
        FROM model, jsonb_each_text(model.metrics->'calibration_by_category')
        UNION ALL
        SELECT 'city', key, round(value::numeric, 4)
        FROM model, jsonb_each_text(model.metrics->'calibration_by_city')
        ORDER BY 1, 2
        """),
    ReportTableSpec(
      id: "elasticities", title: "Price elasticities",
      caption:
        "Per category: the estimated price elasticity of demand with its standard error and 95% interval (estimate +- 1.96 SE); source says whether it was fitted or the prior.",
      sql: """
        WITH \(describedModel)
        SELECT e->>'category' AS category, round((e->>'estimate')::numeric, 4) AS estimate,
               round((e->>'std_error')::numeric, 4) AS std_error,
               round((e->>'estimate')::numeric - 1.96 * (e->>'std_error')::numeric, 4) AS low_95,
               round((e->>'estimate')::numeric + 1.96 * (e->>'std_error')::numeric, 4) AS high_95,
               e->>'source' AS source
        FROM model, jsonb_array_elements(model.elasticities) AS e
        ORDER BY 1
        """),
    ReportTableSpec(
      id: "guardrail_decisions", title: "Guardrail decisions",
      caption: "Every guardrail of the last 10 publish, reject and rollback decisions, newest first.",
      htmlRowLimit: 60,
      sql: """
        WITH events AS (SELECT * FROM {{schema}}.publish_events ORDER BY event_id DESC LIMIT 10)
        SELECT e.event_id, to_char(e.decided_at, 'YYYY-MM-DD HH24:MI') AS decided_utc, e.action, e.run_id,
               e.version_id, e.forced::text AS forced, g->>'name' AS guardrail, g->>'passed' AS passed, g->>'detail' AS detail
        FROM events e LEFT JOIN LATERAL jsonb_array_elements(e.guardrails) WITH ORDINALITY AS x(g, position) ON true
        ORDER BY e.event_id DESC, x.position
        """),
    ReportTableSpec(
      id: "largest_multipliers_explained", title: "Why the largest multipliers are what they are",
      caption:
        "The 10 largest current multipliers with their factors (docs/model.md): multiplier = base x city x season x weekday x experience x band x smoothing x clamp; pressure = predicted bookings / capacity.",
      sql: """
        WITH \(currentVersion)
        SELECT c.category, c.city, c.experience_band, c.valid_on, c.multiplier,
               round((f.factors->>'predicted_bookings')::numeric, 2) AS predicted_bookings,
               round((f.factors->>'capacity')::numeric, 2) AS capacity,
               round((f.factors->>'pressure')::numeric, 4) AS pressure,
               round((f.factors->>'elasticity')::numeric, 4) AS elasticity,
               round((f.factors->>'base')::numeric, 4) AS base, round((f.factors->>'city')::numeric, 4) AS city_factor,
               round((f.factors->>'season')::numeric, 4) AS season, round((f.factors->>'weekday')::numeric, 4) AS weekday,
               round((f.factors->>'experience')::numeric, 4) AS experience, round((f.factors->>'band')::numeric, 4) AS band,
               round((f.factors->>'smoothing')::numeric, 4) AS smoothing, round((f.factors->>'clamp')::numeric, 4) AS clamp,
               f.factors->>'fallback' AS fallback
        FROM (SELECT c.* FROM cur JOIN {{schema}}.candidate_multipliers c ON c.run_id = cur.run_id
              ORDER BY c.multiplier DESC, c.category, c.city, c.experience_band, c.valid_on LIMIT 10) c
        LEFT JOIN {{schema}}.candidate_factors f
          ON f.run_id = c.run_id AND f.category = c.category AND f.city = c.city
         AND f.experience_band = c.experience_band AND f.valid_on = c.valid_on
        ORDER BY c.multiplier DESC, 1, 2, 3, 4
        """),
  ]

  static let pricingSections: [ReportSectionSpec] = [
    ReportSectionSpec(
      id: "impact", title: "Pricing impact",
      intro:
        "What the prices being served are expected to earn against flat list prices and the table before them, and whether past versions delivered what they promised.",
      blocks: [
        .table("pricing_impact_summary"),
        .table("pricing_impact"),
        .table("promised_vs_realised"),
      ]),
    ReportSectionSpec(
      id: "overrides", title: "Manual overrides",
      intro: "Prices set by hand: which overrides were in force, the cells they decide, and what they brought.",
      blocks: [.table("manual_overrides")]),
    ReportSectionSpec(
      id: "prices", title: "Prices",
      intro: "The multipliers the booking service applies to list prices now, and how they moved.",
      blocks: [
        .table("price_version"),
        .chart(
          ReportChart(
            .heatMap(
              table: "multipliers_by_cell", row: "category", column: "city", value: "mean_multiplier",
              splitBy: "experience_band", midpoint: 1.0, title: "Mean multiplier",
              description:
                "Mean multiplier over the horizon per category and city; warm above 1 (prices raised), cool below 1 (lowered)."
            ),
            howToRead:
              "One map per experience band; each cell is the mean multiplier over the horizon, printed in the cell. The colour scale diverges at 1: orange cells are priced above list, blue ones below, white is the list price."
          )),
        .table("multipliers_by_cell"),
        .chart(
          ReportChart(
            .bars(
              table: "multiplier_distribution", label: "bucket_from", value: "multipliers",
              title: "Distribution of multipliers",
              description: "Number of current multipliers per bucket of width 0.05, labelled by the bucket's lower end."
            ),
            howToRead:
              "Each bar counts the multipliers (category, city, band and day) in a bucket 0.05 wide, labelled by its lower end: a tall first bar means many prices at the lower bound."
          )),
        .table("multiplier_distribution"),
        .table("multiplier_changes"),
        .table("largest_changes"),
      ]),
    ReportSectionSpec(
      id: "model", title: "Demand model",
      intro: "How well the demand model predicts held-out weeks, and what it estimates.",
      blocks: [
        .table("model_run"),
        .table("holdout_metrics"),
        .table("backtests"),
        .chart(
          ReportChart(
            .lines(
              table: "predicted_vs_actual", x: "week", series: ["actual", "predicted", "baseline"],
              title: "Predicted against actual bookings",
              description: "Bookings per held-out week: actual, the model's prediction and the seasonal-naive baseline."
            ),
            howToRead:
              "Each point is a held-out week the model did not see when it was fitted: the closer the predicted line follows the actual one, and the closer than the baseline, the better the forecast."
          )),
        .table("predicted_vs_actual"),
        .table("calibration"),
        .chart(
          ReportChart(
            .bars(
              table: "elasticities", label: "category", value: "estimate", title: "Price elasticity by category",
              description:
                "Estimated elasticity per category (negative: demand falls as price rises); intervals in the table."),
            howToRead:
              "Each bar is a category's elasticity: -1.5 means 1% higher prices bring about 1.5% fewer bookings. Between 0 and -1 demand is inelastic and higher prices earn more; the 95% intervals are in the table."
          )),
        .table("elasticities"),
      ]),
    ReportSectionSpec(
      id: "decisions", title: "Publish decisions and explanations",
      intro: "What the guardrails decided, and the factors behind the highest prices.",
      blocks: [.table("guardrail_decisions"), .table("largest_multipliers_explained")]),
  ]
}
