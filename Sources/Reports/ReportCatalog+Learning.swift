extension ReportCatalog {
  // MARK: - Learning while pricing

  /// The days before the report's last day whose model runs the learning tables show.
  static let learningDays = 90

  static let learningTables: [ReportTableSpec] = [
    ReportTableSpec(
      id: "learning_status", title: "What the prices have taught the model",
      caption:
        "Per category, in the model serving (else the latest): the elasticity priced with, its standard error, and on days priced by published tables the days exploration moved the category's price, the data's own standard error, and the explored days still needed to know the elasticity within 0.15 (95% confidence; 3650 means ten years or more). status: estimated, still learning (estimated; more days would narrow it), learning (the data is too thin: the prior is used), or prior (no price variation at all).",
      sql: """
        WITH \(describedModel)
        SELECT e->>'category' AS category,
               CASE WHEN e->>'source' = 'prior' AND e->>'data_std_error' IS NOT NULL THEN 'learning'
                    WHEN e->>'source' = 'prior' THEN 'prior'
                    WHEN coalesce((e->>'days_needed')::int, 0) > 0 THEN 'still learning'
                    ELSE 'estimated' END AS status,
               round((e->>'estimate')::numeric, 4) AS elasticity,
               round((e->>'std_error')::numeric, 4) AS std_error,
               (e->>'explored_days')::int AS explored_days,
               round((e->>'data_std_error')::numeric, 4) AS data_std_error,
               (e->>'days_needed')::int AS explored_days_needed
        FROM model, jsonb_array_elements(model.elasticities) AS e
        ORDER BY 1
        """),
    ReportTableSpec(
      id: "elasticity_history", title: "Elasticity estimates over time",
      caption:
        "Per fitted model run of the last \(learningDays) days (the latest of each day) and category: the elasticity it priced with and its 95% interval (estimate +- 1.96 SE; empty for the prior), newest first.",
      htmlRowLimit: 40,
      sql: """
        SELECT DISTINCT ON (r.as_of, e->>'category') r.as_of, r.run_id, e->>'category' AS category,
               round((e->>'estimate')::numeric, 4) AS elasticity, round((e->>'std_error')::numeric, 4) AS std_error,
               round((e->>'estimate')::numeric - 1.96 * (e->>'std_error')::numeric, 4) AS low_95,
               round((e->>'estimate')::numeric + 1.96 * (e->>'std_error')::numeric, 4) AS high_95,
               e->>'source' AS source
        FROM {{schema}}.model_runs r, jsonb_array_elements(r.elasticities) AS e
        WHERE r.status = 'fitted' AND r.as_of > $2::date - \(learningDays) AND r.as_of <= $2
        ORDER BY r.as_of DESC, e->>'category', r.run_id DESC
        """),
    ReportTableSpec(
      id: "exploration_budget", title: "Exploration: cells moved and what it costs",
      caption:
        "Per model run of the last \(learningDays) days and currency, newest first: the cells its exploration moved, the scale the budget imposed on the moves (1: the budget did not bind), the table's expected GMV and the exploration's expected cost under the model (its share, against the budget explore.max_cost). published: whether a version served the run's table.",
      htmlRowLimit: 40,
      sql: """
        SELECT r.as_of, r.run_id,
               EXISTS (SELECT 1 FROM {{schema}}.price_versions v WHERE v.run_id = r.run_id)::text AS published,
               (r.metrics->'exploration'->>'explored_cells')::int AS explored_cells,
               (r.metrics->'exploration'->>'cells')::int AS cells,
               round((r.metrics->'exploration'->>'scale')::numeric, 4) AS budget_scale,
               c->>'currency' AS currency, round((c->>'expected_gmv')::numeric, 2) AS expected_gmv,
               round((c->>'expected_cost')::numeric, 2) AS expected_cost, round((c->>'cost_share')::numeric, 4) AS cost_share,
               round((r.metrics->'exploration'->>'max_cost')::numeric, 4) AS max_cost
        FROM {{schema}}.model_runs r, jsonb_array_elements(r.metrics->'exploration'->'costs') AS c
        WHERE r.as_of > $2::date - \(learningDays) AND r.as_of <= $2
        ORDER BY r.as_of DESC, r.run_id DESC, c->>'currency'
        """),
  ]

  static let learningSections: [ReportSectionSpec] = [
    ReportSectionSpec(
      id: "learning", title: "Learning",
      intro:
        "How the model learns what price does to demand from the pipeline's own prices: on days priced by a published table, only the randomised exploration of the price answers the elasticity (docs/model.md, \"Learning while pricing\"). What each category has learned, how the estimates moved, and what exploring cost.",
      blocks: [.table("learning_status"), .table("elasticity_history"), .table("exploration_budget")]),
  ]
}
