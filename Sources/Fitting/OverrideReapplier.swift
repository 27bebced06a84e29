import Foundation
import Logging
import Postgres
import PricingModel
import Warehouse

/// `pricing publish --reapply-overrides` and `pricing override add --dry-run`: the table being served with
/// today's overrides applied (docs/overrides.md), as a new model run that publish then takes through the
/// guardrails, so that an override is live in minutes rather than at the next nightly run.
public struct OverrideReapplier {
  public let schema: WarehouseSchema
  public let policy: PolicyConfig
  public let logger: Logger

  public init(schema: WarehouseSchema, policy: PolicyConfig, logger: Logger) {
    self.schema = schema
    self.policy = policy
    self.logger = logger
  }

  /// The served table and what the overrides make of it.
  public struct Recomputed {
    public var servedRun: Int64
    public var candidates: [CandidateMultiplier]
    /// The served multipliers by candidate key.
    public var served: [String: Double]
    /// The cells whose multiplier changes: (served, new).
    public var changes: [(from: CandidateMultiplier, to: CandidateMultiplier)]
  }

  /// The current version's candidates with the overrides in force (and `adding`, a proposed one) applied. A cell an override
  /// decides gets the override's multiplier from its dynamic one (the policy's, kept in its factors); a cell an
  /// override decided before and no longer does returns toward its dynamic multiplier by at most the daily
  /// limit; every other cell keeps its multiplier.
  public func recompute(_ connection: Connection, adding proposed: PriceOverride? = nil) throws -> Recomputed {
    guard
      let servedRun = try connection.query("SELECT run_id FROM \(schema.table("current_version"))").rows.first
        .map({ try $0.decode(Int64.self, at: 0) })
    else { throw FitError(code: .invalidRequest, message: "nothing is published: there is no table to reapply overrides to") }
    let rows = try connection.query(
      """
      SELECT m.category, m.city, m.experience_band, m.valid_on, m.multiplier::float8, f.factors::text
      FROM \(schema.table("candidate_multipliers")) m
      LEFT JOIN \(schema.table("candidate_factors")) f USING (run_id, category, city, experience_band, valid_on)
      WHERE m.run_id = \(servedRun)
      ORDER BY 1, 2, 3, 4
      """
    ).rows
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(
      positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    var served: [CandidateMultiplier] = []
    served.reserveCapacity(rows.count)
    for row in rows {
      let factors = try row.decode(String?.self, at: 5).map {
        try decoder.decode(MultiplierFactors.self, from: Data($0.utf8))
      } ?? MultiplierFactors()
      served.append(
        CandidateMultiplier(
          category: try row.decode(String.self, at: 0), city: try row.decode(String.self, at: 1),
          band: try row.decode(String.self, at: 2),
          date: CalendarDay(daysSinceEpoch: try row.decode(LocalDate.self, at: 3).daysSinceEpoch),
          multiplier: try row.decode(Double.self, at: 4), factors: factors))
    }
    let first = served.map(\.date).min().map { LocalDate(daysSinceEpoch: $0.daysSinceEpoch) }
    let last = served.map(\.date).max().map { LocalDate(daysSinceEpoch: $0.daysSinceEpoch) }
    var overrides: [PriceOverride] = []
    if let first, let last {
      overrides = try OverrideStore(schema: schema).inForce(connection, from: first, through: last)
    }
    if let proposed { overrides.append(proposed) }
    let byCategory = Dictionary(grouping: overrides, by: \.category)
    let bounds = MultiplierPolicy.allowedRange(previous: nil, config: policy)
    let current = Dictionary(served.map { ($0.key, $0.multiplier) }, uniquingKeysWith: { first, _ in first })
    var candidates: [CandidateMultiplier] = []
    var changes: [(from: CandidateMultiplier, to: CandidateMultiplier)] = []
    candidates.reserveCapacity(served.count)
    for cell in served {
      var base = cell
      let dynamic = cell.factors.dynamic ?? cell.multiplier
      base.multiplier = dynamic
      base.factors.dynamic = nil
      base.factors.override = nil
      base.factors.overrides = nil
      base.factors.override_fixed = nil
      base.factors.expected_gmv_dynamic = nil
      var next = MultiplierPolicy.applyOverrides(
        base, unlimited: min(max(dynamic, bounds.lowerBound), bounds.upperBound),
        overrides: byCategory[cell.category] ?? [], bounds: bounds)
      if next.factors.overrides == nil {
        if cell.factors.dynamic != nil {
          // The override ended: back toward the dynamic multiplier at most by the daily limit.
          let range = MultiplierPolicy.allowedRange(previous: cell.multiplier, config: policy)
          next.multiplier = min(max(dynamic, range.lowerBound), range.upperBound)
          next.factors.binding =
            next.multiplier == dynamic ? nil : MultiplierPolicy.Binding.dailyLimit.rawValue
        } else {
          next = cell
        }
      }
      next = MultiplierPolicy.withExpectations(next, config: policy, current: current)
      if abs(next.multiplier - cell.multiplier) > 1e-9 { changes.append((cell, next)) }
      candidates.append(next)
    }
    return Recomputed(servedRun: servedRun, candidates: candidates, served: current, changes: changes)
  }

  /// Writes the recomputed table as a new model run (a copy of the served run's record, its candidates and its
  /// impact estimate replaced) and returns the run's id, for publish to take through the guardrails; nil when
  /// the overrides in force change no cell of the served table (nothing is written).
  public func reapply(_ connection: Connection, conninfo: String) throws -> (run: Int64, changes: Int)? {
    let recomputed = try recompute(connection)
    guard !recomputed.changes.isEmpty else { return nil }
    // What the new table is expected to do, against flat prices and the table it replaces, with the served
    // run's uncertainty.
    let stored = try connection.query(
      "SELECT coalesce(impact->'flat'->'uncertainty', 'null')::text FROM \(schema.table("model_runs")) WHERE run_id = \(recomputed.servedRun)"
    ).scalar(String.self)
    let uncertainty =
      stored == "null"
      ? PriceImpact.Uncertainty() : try JSONDecoder().decode(PriceImpact.Uncertainty.self, from: Data(stored.utf8))
    let bounds = MultiplierPolicy.allowedRange(previous: nil, config: policy)
    let impact = [
      "flat": PriceImpact.estimate(
        ImpactStore.cells(recomputed.candidates, against: nil), against: "flat", bounds: bounds, uncertainty: uncertainty),
      "current": PriceImpact.estimate(
        ImpactStore.cells(recomputed.candidates, against: recomputed.served),
        against: "run \(recomputed.servedRun)", bounds: bounds, uncertainty: uncertainty),
    ]
    let encoder = ModelRunStore.encoder()
    let impactJSON = String(decoding: try encoder.encode(impact), as: UTF8.self)
    let recorderConnection = try Connection(conninfo: conninfo, logger: logger)
    let recorder = try RunRecorder(
      connection: recorderConnection, schema: schema, command: "reapply-overrides",
      parameters: "{\"served_run\": \(recomputed.servedRun)}")
    try recorder.begin(step: "reapply")
    do {
      let run = recorder.runID
      try connection.transaction { connection in
        try connection.query(
          """
          INSERT INTO \(schema.table("model_runs"))
            (run_id, as_of, history_start, holdout_start, horizon_days, family, theta, converged, iterations, status,
             reasons, config, coefficients, elasticities, metrics, timings, impact)
          SELECT \(run), as_of, history_start, holdout_start, horizon_days, family, theta, converged, iterations,
                 status, reasons, config, coefficients, elasticities,
                 metrics || jsonb_build_object('overrides_reapplied_to_run', \(recomputed.servedRun)::bigint),
                 '{}', \(impactJSON)::jsonb
          FROM \(schema.table("model_runs")) WHERE run_id = \(recomputed.servedRun)
          """)
        try ModelRunStore(schema: schema).writeCandidates(connection, runID: run, candidates: recomputed.candidates)
      }
      try recorder.end(
        step: "reapply", status: "succeeded", rows: Int64(recomputed.candidates.count), exitCode: 0, error: nil)
      try recorder.finish(status: "succeeded", exitCode: 0, error: nil)
      logger.info(
        "overrides reapplied to the served table",
        metadata: ["run_id": "\(run)", "served_run": "\(recomputed.servedRun)", "changed": "\(recomputed.changes.count)"])
      return (run, recomputed.changes.count)
    } catch {
      try? recorder.end(step: "reapply", status: "failed", rows: nil, exitCode: nil, error: String(describing: error))
      try? recorder.finish(status: "failed", exitCode: 70, error: String(describing: error))
      throw error
    }
  }
}
