import Foundation
import Postgres
import Warehouse

/// The guardrails a candidate passes before the flip (docs/publish.md, Guardrails): validation, no NaN,
/// bounds, coverage and drift against the current version, each a named `GuardrailCheck`.
extension Publisher {
  /// What the guardrails found about a run's candidates.
  struct GuardrailFindings {
    var checks: [GuardrailCheck]
    /// The candidate's rows.
    var rows: Int
    /// The largest moves against the current version, largest first (at most five).
    var largestMoves: [String]
    /// Seconds of guardrail queries, and of pauses after them while the server was busy.
    var workSeconds: Double
    var pausedSeconds: Double
  }

  /// One category's candidate rows and the bad ones among them.
  struct CategoryCounts: Equatable {
    var category: String
    var rows: Int
    var nan: Int
    var outside: Int
    /// Outside the bounds, decided by a `fixed` override: exempt.
    var exempt = 0
  }

  /// A run of consecutive categories (in the database's order) whose drift is one query.
  struct CategoryRange: Equatable {
    var first: String
    var last: String
  }

  /// One cell's move against the current version.
  struct Move: Equatable {
    var change: Double
    var text: String
  }

  /// The drift over some categories: cells compared, their summed absolute relative change, how many move
  /// more than the daily limit, and the largest moves (at most five, largest first, ties by cell).
  struct DriftPart {
    var compared = 0
    var totalChange = 0.0
    var beyond = 0
    var largest: [Move] = []
    /// Cells whose current multiplier lies outside the bounds: moved by a policy change (the bounds win
    /// over the daily limit), not counted in the drift.
    var movedByBounds = 0
    /// Cells a manual override decides, in the candidate or in the current table: not counted in the drift
    /// (docs/overrides.md).
    var overridden = 0
  }

  /// The named checks, the candidate's row count, and the largest moves against the current version
  /// (`current`, nil before the first publish).
  ///
  /// Each query is a unit of `GuardrailPacer`'s: while other sessions are busy, the publisher pauses after
  /// it (`settings.pauseRatio`). The drift, the longest, is one query per range of categories of about
  /// `settings.driftChunkRows` candidates, so that the pauses come every fraction of a second.
  func guardrails(run: Int64, current: (version: Int64, run: Int64)?) throws -> GuardrailFindings {
    var pacer = GuardrailPacer(connection: connection, ratio: settings.pauseRatio, sleep: settings.sleep)
    let runRow = try connection.query(
      """
      SELECT status, array_to_string(reasons, '; '), as_of, horizon_days,
             (config->>'min_multiplier')::float8, (config->>'max_multiplier')::float8,
             (config->>'max_daily_change')::float8
      FROM \(schema.table("model_runs")) WHERE run_id = \(run)
      """
    ).single()
    let status = try runRow.decode(String.self, at: 0)
    let asOf = try runRow.decode(LocalDate.self, at: 2)
    let horizon = try runRow.decode(Int.self, at: 3)
    let low = try settings.bounds?.lowerBound ?? runRow.decode(Double.self, at: 4)
    let high = try settings.bounds?.upperBound ?? runRow.decode(Double.self, at: 5)
    let dailyLimit = try runRow.decode(Double.self, at: 6)
    var checks: [GuardrailCheck] = []
    checks.append(
      GuardrailCheck(
        name: "validation", passed: status == "fitted", overridable: true,
        detail: status == "fitted"
          ? "the model beat the baseline" : "run \(run) was \(status): \(try runRow.decode(String.self, at: 1))"))

    // The planner settings of the guardrail queries (reset after them): no parallel workers, so that the
    // publisher keeps to one core of a server it shares with the booking service's readers (a parallel
    // hash join had every worker build the whole hash); no nested loops and no plain index scans, which
    // the planner picks from its estimate for a run whose candidates it has not analysed yet (one row for a
    // million): a bitmap scan reads the current version's rows in 0.15 s where an index scan takes 0.5 s.
    // No JIT: the drift's lateral top five is a nested loop, whose disabled-plan cost made the server
    // compile and optimise the query (0.5 s of a 1.06 s range of 227,000 cells).
    try connection.execute("SET max_parallel_workers_per_gather = 0")
    try connection.execute("SET enable_nestloop = off")
    try connection.execute("SET enable_indexscan = off")
    try connection.execute("SET jit = off")
    defer {
      try? connection.execute("RESET max_parallel_workers_per_gather")
      try? connection.execute("RESET enable_nestloop")
      try? connection.execute("RESET enable_indexscan")
      try? connection.execute("RESET jit")
    }
    let categories = try pacer.run { try categoryCounts(run: run, low: low, high: high) }
    let rows = categories.reduce(0) { $0 + $1.rows }
    let nan = categories.reduce(0) { $0 + $1.nan }
    let outside = categories.reduce(0) { $0 + $1.outside }
    let exempt = categories.reduce(0) { $0 + $1.exempt }
    checks.append(
      GuardrailCheck(name: "no_nan", passed: nan == 0, overridable: false, detail: "\(nan) NaN multipliers"))
    checks.append(
      GuardrailCheck(
        name: "bounds", passed: outside == 0, overridable: false,
        detail: "\(outside) multipliers outside [\(low), \(high)]"
          + (exempt > 0 ? "; \(exempt) cells of fixed overrides outside them, exempt" : "")))
    checks.append(try pacer.run { try coverage(run: run, asOf: asOf, horizon: horizon) })
    checks.append(try serving(asOf: asOf, horizon: horizon))

    var drift = DriftPart()
    if let current {
      for range in Self.categoryRanges(categories, rowsPerRange: settings.driftChunkRows) {
        let part = try pacer.run {
          try self.drift(run: run, against: current.run, range: range, dailyLimit: dailyLimit, bounds: low...max(low, high))
        }
        drift = Self.combine(drift, part)
      }
    }
    let share = drift.compared > 0 ? Double(drift.beyond) / Double(drift.compared) : 0
    let meanChange = drift.compared > 0 ? drift.totalChange / Double(drift.compared) : 0
    let allowance = try current.map { try explorationAllowance(run: run, against: $0.run) } ?? 0
    let driftOK = share <= settings.maxShareBeyondDailyLimit && meanChange <= settings.maxMeanAbsoluteChange + allowance
    checks.append(
      GuardrailCheck(
        name: "drift", passed: driftOK, overridable: true,
        detail: String(
          format: "%d of %d cells move more than %.0f%%; mean absolute change %.2f%%", drift.beyond, drift.compared,
          dailyLimit * 100,
          meanChange * 100)
          + (drift.movedByBounds > 0 ? "; \(drift.movedByBounds) cells brought inside new bounds not counted" : "")
          + (drift.overridden > 0 ? "; \(drift.overridden) overridden cells not counted" : "")
          + (allowance > 0
            ? String(format: "; %.2f%% of mean change allowed for a new exploration draw", allowance * 100) : "")))
    checks.append(try pacer.run { try impact(run: run, against: current?.run, bounds: low...max(low, high)) })
    return GuardrailFindings(
      checks: checks, rows: rows, largestMoves: drift.largest.map(\.text), workSeconds: pacer.workSeconds,
      pausedSeconds: pacer.pausedSeconds)
  }

  /// The mean absolute change the candidate's exploration may add to the drift: its own mean move when the
  /// current run explored with other settings or seed (a new draw moves the explored cells once), 0 when
  /// they match (the same cells and days get the same draw in both tables) or the candidate did not explore.
  func explorationAllowance(run: Int64, against currentRun: Int64) throws -> Double {
    let row = try connection.query(
      """
      SELECT (c.metrics->'exploration'->>'mean_absolute_change')::float8,
             (c.config->'explore') IS NOT DISTINCT FROM (p.config->'explore')
      FROM \(schema.table("model_runs")) c, \(schema.table("model_runs")) p
      WHERE c.run_id = \(run) AND p.run_id = \(currentRun)
      """
    ).rows.first
    guard let row, let change = try row.decode(Double?.self, at: 0), change.isFinite else { return 0 }
    return try row.decode(Bool.self, at: 1) ? 0 : change
  }

  // MARK: - Impact

  /// One currency's expected outcome of the candidate, of flat prices and of the current table, under the
  /// candidate's model (`PriceImpact`'s point estimates: served = least(demand x m^e, capacity) per band).
  struct ImpactTotals: Equatable {
    var currency: String
    var gmv: Double
    var gmvFlat: Double
    var gmvCurrent: Double?
    var bookings: Double
    var bookingsFlat: Double
    var bookingsCurrent: Double?
  }

  /// The `impact` guardrail (forceable): in no currency may the candidate's expected GMV fall below flat
  /// prices' or the current table's by more than `settings.impactMaxGMVLoss`, nor its expected bookings
  /// below the current table's (flat prices' before the first publish) by more than
  /// `settings.impactMaxBookingsDrop`. Aggregated in the server from the candidates' factors; a run whose
  /// factors carry no demand (fitted before impact estimates) passes with a note. The current table is judged
  /// within `bounds` (its cells outside them clamped to them), as the drift leaves out the cells a changed
  /// bound moves: a policy change is not a loss the guardrail refuses. Cells a manual override decides, in
  /// the candidate or in the current table, are left out (docs/overrides.md). The run's exploration cost
  /// (its share of expected GMV per currency, within its budget) is allowed on top of the GMV limit.
  func impact(run: Int64, against current: Int64?, bounds: ClosedRange<Double>? = nil) throws -> GuardrailCheck {
    let totals = try impactTotals(run: run, against: current, bounds: bounds)
    guard !totals.isEmpty else {
      return GuardrailCheck(
        name: "impact", passed: true, overridable: true,
        detail: "no impact estimate: run \(run)'s multipliers carry no expected demand")
    }
    var problems: [String] = []
    var notes: [String] = []
    func percent(_ value: Double) -> String { String(format: "%+.2f%%", value * 100) }
    // Exploration's expected cost is a price the policy chose to pay (its budget, explore.max_cost): the
    // limit allows it on top.
    var exploration: [String: Double] = [:]
    for row in try connection.query(
      """
      SELECT c->>'currency', (c->>'cost_share')::float8
      FROM \(schema.table("model_runs")) r, jsonb_array_elements(r.metrics->'exploration'->'costs') AS c
      WHERE r.run_id = \(run)
      """
    ).rows {
      if let currency = try row.decode(String?.self, at: 0), let share = try row.decode(Double?.self, at: 1), share > 0 {
        exploration[currency] = share
      }
    }
    for total in totals {
      let allowed = settings.impactMaxGMVLoss + (exploration[total.currency] ?? 0)
      let flatChange = total.gmvFlat > 0 ? total.gmv / total.gmvFlat - 1 : 0
      var note = "\(total.currency): GMV \(percent(flatChange)) against flat"
      if let cost = exploration[total.currency] { note += " (exploration \(percent(-cost)) of it, allowed)" }
      if flatChange < -allowed {
        problems.append("\(total.currency) GMV \(percent(flatChange)) against flat prices")
      }
      let reference = total.bookingsCurrent ?? total.bookingsFlat
      if let currentGMV = total.gmvCurrent {
        let change = currentGMV > 0 ? total.gmv / currentGMV - 1 : 0
        note += ", \(percent(change)) against current"
        if change < -allowed {
          problems.append("\(total.currency) GMV \(percent(change)) against the current prices")
        }
      }
      let bookingsChange = reference > 0 ? total.bookings / reference - 1 : 0
      note += ", bookings \(percent(bookingsChange))"
      if bookingsChange < -settings.impactMaxBookingsDrop {
        problems.append(
          "\(total.currency) bookings \(percent(bookingsChange)) against \(total.bookingsCurrent == nil ? "flat" : "current") prices")
      }
      notes.append(note)
    }
    let limits = String(
      format: " (limits: GMV -%.2f%%, bookings -%.1f%%)", settings.impactMaxGMVLoss * 100,
      settings.impactMaxBookingsDrop * 100)
    return GuardrailCheck(
      name: "impact", passed: problems.isEmpty, overridable: true,
      detail: (problems.isEmpty ? notes.joined(separator: "; ") : problems.joined(separator: "; ")) + limits)
  }

  /// Per currency: expected GMV and bookings of the candidate, of flat prices and of the current table.
  func impactTotals(run: Int64, against current: Int64?, bounds: ClosedRange<Double>? = nil) throws -> [ImpactTotals] {
    let candidates = schema.table("candidate_multipliers")
    var query: SQLQuery = """
      WITH c AS (
        SELECT f.factors->>'currency' AS currency, (f.factors->>'list_price')::float8 AS price,
               coalesce((f.factors->>'band_demand')::float8, 0) AS demand,
               coalesce((f.factors->>'band_capacity')::float8, 0) AS capacity,
               (f.factors->>'elasticity')::float8 AS e, m.multiplier::float8 AS m,
      """
    if let current {
      let low = bounds?.lowerBound ?? 0
      let high = bounds?.upperBound ?? 1e6
      query.append(
        """
         least(greatest(coalesce(a.multiplier, 1)::float8, \(low)::float8), \(high)::float8) AS mc
        FROM \(candidates) m
        JOIN \(schema.table("candidate_factors")) f USING (run_id, category, city, experience_band, valid_on)
        LEFT JOIN (SELECT * FROM \(candidates) WHERE run_id = \(current)) a
          ON a.category = m.category AND a.city = m.city AND a.experience_band = m.experience_band
         AND a.valid_on = m.valid_on
        """)
    } else {
      query.append(
        """
         1::float8 AS mc
        FROM \(candidates) m
        JOIN \(schema.table("candidate_factors")) f USING (run_id, category, city, experience_band, valid_on)
        """)
    }
    // Overridden cells (in the candidate or in the current table) are the admins' decision, not the policy's:
    // not judged.
    query.append(
      """
       WHERE m.run_id = \(run) AND f.factors->>'list_price' IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM \(schema.table("candidate_overrides")) o
                         WHERE o.run_id IN (m.run_id, \(current ?? run)) AND o.category = m.category AND o.city = m.city
                           AND o.experience_band = m.experience_band AND o.valid_on = m.valid_on)),
      s AS (
        SELECT currency, price, m, mc,
               CASE WHEN demand > 0 AND capacity > 0 THEN least(demand * power(m, e), capacity) ELSE 0 END AS served,
               CASE WHEN demand > 0 AND capacity > 0 THEN least(demand, capacity) ELSE 0 END AS served_flat,
               CASE WHEN demand > 0 AND capacity > 0 THEN least(demand * power(mc, e), capacity) ELSE 0 END
                 AS served_current
        FROM c)
      SELECT coalesce(currency, ''), sum(price * m * served), sum(price * served_flat), sum(price * mc * served_current),
             sum(served), sum(served_flat), sum(served_current)
      FROM s GROUP BY 1 ORDER BY 1
      """)
    return try connection.query(query).rows.map { row in
      ImpactTotals(
        currency: try row.decode(String.self, at: 0), gmv: try row.decode(Double.self, at: 1),
        gmvFlat: try row.decode(Double.self, at: 2),
        gmvCurrent: current == nil ? nil : try row.decode(Double.self, at: 3),
        bookings: try row.decode(Double.self, at: 4), bookingsFlat: try row.decode(Double.self, at: 5),
        bookingsCurrent: current == nil ? nil : try row.decode(Double.self, at: 6))
    }
  }

  // MARK: - Counts and coverage

  /// Whether the candidate prices the day being served: its days (the run's as-of date and the horizon
  /// after it) must include today. A table whose days are all past would leave the booking service with
  /// no multiplier for today or any later day, and one that starts after today with none for today; never
  /// forceable. `settings.today`, else the server's date in UTC.
  private func serving(asOf: LocalDate, horizon: Int) throws -> GuardrailCheck {
    let today = try settings.today ?? connection.query("SELECT (now() AT TIME ZONE 'UTC')::date").scalar(LocalDate.self)
    let last = asOf.adding(days: horizon - 1)
    let passed = asOf <= today && today <= last
    return GuardrailCheck(
      name: "current", passed: passed, overridable: false,
      detail: passed
        ? "prices \(asOf)..\(last), today \(today) included"
        : "prices \(asOf)..\(last) do not include today \(today)"
          + (last < today ? ": a past table (fit it as of today)" : ": it starts after today"))
  }

  /// Rows, NaN and out-of-bounds multipliers per category, in the database's order of categories: one scan
  /// of the run's candidates.
  private func categoryCounts(run: Int64, low: Double, high: Double) throws -> [CategoryCounts] {
    // A `fixed` override may leave the policy's bounds (never the table's hard CHECK): those cells are not
    // counted outside them (docs/overrides.md).
    try connection.query(
      """
      SELECT c.category, count(*), count(*) FILTER (WHERE c.multiplier = 'NaN'::numeric),
             count(*) FILTER (WHERE c.multiplier <> 'NaN'::numeric
                              AND (c.multiplier < \(low)::numeric OR c.multiplier > \(high)::numeric)
                              AND o.run_id IS NULL),
             count(*) FILTER (WHERE (c.multiplier < \(low)::numeric OR c.multiplier > \(high)::numeric)
                              AND o.run_id IS NOT NULL)
      FROM \(schema.table("candidate_multipliers")) c
      LEFT JOIN \(schema.table("candidate_overrides")) o
        ON o.run_id = c.run_id AND o.category = c.category AND o.city = c.city
       AND o.experience_band = c.experience_band AND o.valid_on = c.valid_on AND o.fixed
      WHERE c.run_id = \(run)
      GROUP BY c.category ORDER BY c.category
      """
    ).rows.map {
      CategoryCounts(
        category: try $0.decode(String.self, at: 0), rows: try $0.decode(Int.self, at: 1),
        nan: try $0.decode(Int.self, at: 2), outside: try $0.decode(Int.self, at: 3),
        exempt: try $0.decode(Int.self, at: 4))
    }
  }

  /// Coverage: every priceable category x city (`WarehouseSchema.priceableOffers`, the fit's own
  /// definition), every band, every day of the horizon. Counted (the candidates' primary key makes each
  /// present cell count once); an example of a missing cell is looked up only when some are missing. The
  /// present cells are a semi-join with the priceable pairs, which the planner hashes.
  private func coverage(run: Int64, asOf: LocalDate, horizon: Int) throws -> GuardrailCheck {
    let candidates = schema.table("candidate_multipliers")
    var query: SQLQuery = "WITH pairs AS MATERIALIZED (SELECT DISTINCT category, city FROM ("
    query.append(schema.priceableOffers)
    query.append(
      """
      ) o)
      SELECT (SELECT count(*) FROM pairs) * (SELECT count(*) FROM \(schema.table("experience_bands"))) * \(Int64(horizon)),
             (SELECT count(*) FROM \(candidates) c
              WHERE c.run_id = \(run) AND c.experience_band IN (SELECT band FROM \(schema.table("experience_bands")))
                AND c.valid_on BETWEEN \(asOf) AND \(asOf)::date + \(Int32(horizon - 1))
                AND (c.category, c.city) IN (SELECT category, city FROM pairs))
      """)
    let coverage = try connection.query(query).single()
    let missingCount = try coverage.decode(Int.self, at: 0) - coverage.decode(Int.self, at: 1)
    var example = ""
    if missingCount > 0 {
      var lookup: SQLQuery = "WITH pairs AS MATERIALIZED (SELECT DISTINCT category, city FROM ("
      lookup.append(schema.priceableOffers)
      lookup.append(
        """
        ) o),
        expected AS (
          SELECT p.category, p.city, b.band, d::date AS valid_on
          FROM pairs p CROSS JOIN \(schema.table("experience_bands")) b
          CROSS JOIN generate_series(\(asOf)::date, \(asOf)::date + \(Int32(horizon - 1)), interval '1 day') d)
        SELECT coalesce(min(e.category || ' in ' || e.city || ', ' || e.band || ', ' || e.valid_on), '')
        FROM expected e
        WHERE NOT EXISTS (
          SELECT 1 FROM \(candidates) c WHERE c.run_id = \(run) AND c.category = e.category AND c.city = e.city
            AND c.experience_band = e.band AND c.valid_on = e.valid_on)
        """)
      example = try connection.query(lookup).scalar(String.self)
    }
    return GuardrailCheck(
      name: "coverage", passed: missingCount == 0, overridable: false,
      detail: missingCount == 0
        ? "every priceable category x city x band x day present"
        : "\(missingCount) cells missing, e.g. \(example)")
  }

  // MARK: - Drift

  /// Consecutive categories grouped into ranges of about `rowsPerRange` candidate rows (a category larger
  /// than that is a range of its own), in the order given (the database's order: a range is a `BETWEEN`).
  static func categoryRanges(_ categories: [CategoryCounts], rowsPerRange: Int) -> [CategoryRange] {
    var ranges: [CategoryRange] = []
    var rowsInRange = 0
    for counts in categories {
      if let last = ranges.indices.last, rowsInRange + counts.rows <= rowsPerRange {
        ranges[last].last = counts.category
        rowsInRange += counts.rows
      } else {
        ranges.append(CategoryRange(first: counts.category, last: counts.category))
        rowsInRange = counts.rows
      }
    }
    return ranges
  }

  /// The drift of one range of categories against the current version's run, on the cells both have: one
  /// hash join of the two versions' rows of those categories. The current version's run is bound: joined
  /// through the view, the planner cannot tell that the pointer selects one run and joins the candidates to
  /// every run's rows. The change is computed in float8 (numeric division costs several times more), and the
  /// largest moves are ordered by change and then by cell, so that their text is built for five rows.
  private func drift(
    run: Int64, against currentRun: Int64, range: CategoryRange, dailyLimit: Double, bounds: ClosedRange<Double>
  ) throws -> DriftPart {
    let candidates = schema.table("candidate_multipliers")
    let result = try connection.query(
      """
      WITH changes AS MATERIALIZED (
        SELECT c.category, c.city, c.experience_band, c.valid_on, p.multiplier AS before, c.multiplier AS after,
               abs(c.multiplier::float8 / p.multiplier::float8 - 1) AS change,
               p.multiplier < \(bounds.lowerBound)::numeric OR p.multiplier > \(bounds.upperBound)::numeric AS by_bounds,
               o.run_id IS NOT NULL OR q.run_id IS NOT NULL AS by_override
        FROM \(candidates) c JOIN \(candidates) p
          ON p.run_id = \(currentRun) AND p.category = c.category AND p.city = c.city
         AND p.experience_band = c.experience_band AND p.valid_on = c.valid_on
        LEFT JOIN \(schema.table("candidate_overrides")) o
          ON o.run_id = c.run_id AND o.category = c.category AND o.city = c.city
         AND o.experience_band = c.experience_band AND o.valid_on = c.valid_on
        LEFT JOIN \(schema.table("candidate_overrides")) q
          ON q.run_id = p.run_id AND q.category = p.category AND q.city = p.city
         AND q.experience_band = p.experience_band AND q.valid_on = p.valid_on
        WHERE c.run_id = \(run) AND c.multiplier <> 'NaN'::numeric
          AND c.category BETWEEN \(range.first) AND \(range.last)
          AND p.category BETWEEN \(range.first) AND \(range.last)),
      totals AS (
        SELECT count(*) FILTER (WHERE NOT by_bounds AND NOT by_override) AS compared,
               coalesce(sum(change) FILTER (WHERE NOT by_bounds AND NOT by_override), 0)::float8 AS total,
               count(*) FILTER (WHERE change > \(dailyLimit) + 0.0001 AND NOT by_bounds AND NOT by_override) AS beyond,
               count(*) FILTER (WHERE by_bounds AND NOT by_override) AS by_bounds,
               count(*) FILTER (WHERE by_override) AS by_override
        FROM changes)
      SELECT t.compared, t.total, t.beyond, t.by_bounds, top.change,
             top.category || ' in ' || top.city || ', ' || top.experience_band || ', ' || top.valid_on || ': '
               || top.before || ' -> ' || top.after, t.by_override
      FROM totals t LEFT JOIN LATERAL (
        SELECT * FROM changes WHERE NOT by_bounds AND NOT by_override ORDER BY change DESC, category, city, experience_band, valid_on LIMIT 5) top ON true
      ORDER BY top.change DESC, top.category, top.city, top.experience_band, top.valid_on
      """)
    var part = DriftPart()
    for row in result.rows {
      part.compared = try row.decode(Int.self, at: 0)
      part.totalChange = try row.decode(Double.self, at: 1)
      part.beyond = try row.decode(Int.self, at: 2)
      part.movedByBounds = try row.decode(Int.self, at: 3)
      part.overridden = try row.decode(Int.self, at: 6)
      if let change = try row.decode(Double?.self, at: 4) {
        part.largest.append(Move(change: change, text: try row.decode(String.self, at: 5)))
      }
    }
    return part
  }

  /// Two parts' drift together; `later`'s categories come after `earlier`'s, so among equal changes the
  /// earlier part's moves come first (the order of one query over both: change, then cell).
  static func combine(_ earlier: DriftPart, _ later: DriftPart, keeping count: Int = 5) -> DriftPart {
    var merged: [Move] = []
    var (i, j) = (0, 0)
    while merged.count < count && (i < earlier.largest.count || j < later.largest.count) {
      if j == later.largest.count || (i < earlier.largest.count && earlier.largest[i].change >= later.largest[j].change)
      {
        merged.append(earlier.largest[i])
        i += 1
      } else {
        merged.append(later.largest[j])
        j += 1
      }
    }
    return DriftPart(
      compared: earlier.compared + later.compared, totalChange: earlier.totalChange + later.totalChange,
      beyond: earlier.beyond + later.beyond, largest: merged, movedByBounds: earlier.movedByBounds + later.movedByBounds,
      overridden: earlier.overridden + later.overridden)
  }
}
