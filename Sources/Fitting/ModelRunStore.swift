import Foundation
import Postgres
import PricingModel
import Warehouse

/// Reads and writes `model_runs` and `candidate_multipliers` (docs/warehouse.md).
public struct ModelRunStore {
  public let schema: WarehouseSchema

  public init(schema: WarehouseSchema) { self.schema = schema }

  static func encoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    return encoder
  }

  struct CoefficientJSON: Encodable {
    let name: String
    let estimate: JSONNumber
    let std_error: JSONNumber
  }

  struct ElasticityJSON: Encodable {
    let category: String
    let estimate: JSONNumber
    let std_error: JSONNumber
    let raw: JSONNumber?
    let source: String
    let explored_days: Int?
    let data_std_error: JSONNumber?
    let days_needed: Int?
  }

  func save(
    _ connection: Connection, runID: Int64, asOf: LocalDate, historyStart: LocalDate, holdoutStart: LocalDate,
    policy: PolicyConfig, model: FittedDemandModel, metrics: ValidationSummary, status: String, reasons: [String],
    timings: [String: Double], candidates: [CandidateMultiplier], impact: [String: PriceImpact.Estimate] = [:]
  ) throws {
    let encoder = Self.encoder()
    func json<T: Encodable>(_ value: T) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }
    let coefficients = try json(
      model.glm.coefficients.map {
        CoefficientJSON(name: $0.name, estimate: JSONNumber($0.estimate), std_error: JSONNumber($0.standardError))
      })
    let elasticities = try json(
      model.elasticities.map {
        ElasticityJSON(
          category: $0.category, estimate: JSONNumber($0.estimate), std_error: JSONNumber($0.stdError),
          raw: $0.raw.map(JSONNumber.init), source: $0.source.rawValue, explored_days: $0.exploredDays,
          data_std_error: $0.dataStdError.map(JSONNumber.init), days_needed: $0.daysNeeded)
      })
    let reasonsArray =
      "{"
      + reasons.map {
        "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
      }.joined(separator: ",") + "}"
    try connection.transaction { connection in
      try connection.query(
        """
        INSERT INTO \(schema.table("model_runs"))
          (run_id, as_of, history_start, holdout_start, horizon_days, family, theta, converged, iterations, status,
           reasons, config, coefficients, elasticities, metrics, timings, impact)
        VALUES (\(runID), \(asOf), \(historyStart), \(holdoutStart), \(policy.horizon_days), \(model.glm.family.name),
                \(model.glm.theta), \(model.glm.converged), \(model.glm.iterations), \(status), \(reasonsArray)::text[],
                \(try json(policy))::jsonb, \(coefficients)::jsonb, \(elasticities)::jsonb, \(try json(metrics))::jsonb,
                \(try json(timings))::jsonb, \(impact.isEmpty ? nil : try json(impact))::jsonb)
        """)
      try writeCandidates(connection, runID: runID, candidates: candidates)
    }
  }

  /// Writes a run's candidates with COPY: the multipliers (the rows a published version serves), their
  /// factors (read by `explain` and the report) in a table of their own (migration 8, docs/publish.md), the
  /// cells overrides decided (publish's `drift` and `bounds` read them), the exploration factors
  /// (`exploration_cells`) and the expected outcomes.
  func writeCandidates(_ connection: Connection, runID: Int64, candidates: [CandidateMultiplier]) throws {
    let encoder = Self.encoder()
    func json<T: Encodable>(_ value: T) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }
    var rows = CopyTextEncoder()
    func copyCandidates(
      _ table: String, _ columns: String, _ selected: [CandidateMultiplier], _ last: (CandidateMultiplier) throws -> Void
    ) throws {
      try connection.copyIn(
        "COPY \(schema.table(table).quoted) (run_id, category, city, experience_band, valid_on, \(columns)) FROM STDIN"
      ) { writer in
        for candidate in selected {
          rows.integer(runID)
          rows.field(candidate.category)
          rows.field(candidate.city)
          rows.field(candidate.band)
          rows.date(LocalDate(daysSinceEpoch: candidate.date.daysSinceEpoch))
          try last(candidate)
          rows.endRow()
          if rows.bytes.count > 1 << 16 {
            try writer.write(rows.bytes)
            rows.reset()
          }
        }
        try writer.write(rows.bytes)
        rows.reset()
      }
    }
    try copyCandidates("candidate_multipliers", "multiplier", candidates) { rows.raw(String(format: "%.4f", $0.multiplier)) }
    try copyCandidates("candidate_factors", "factors", candidates) { rows.field(try json($0.factors)) }
    let overridden = candidates.filter { $0.factors.overrides?.isEmpty == false }
    if !overridden.isEmpty {
      try copyCandidates("candidate_overrides", "override_ids, fixed", overridden) { candidate in
        rows.raw("{" + (candidate.factors.overrides ?? []).map { String($0.id) }.joined(separator: ",") + "}")
        rows.raw(candidate.factors.override_fixed == true ? "t" : "f")
      }
    }
    // Every multiplier's exploration factor and the policy's own price without it (the fit reads them back).
    try copyCandidates("exploration_cells", "log_factor, log_planned", candidates) { candidate in
      let factor = log(candidate.factors.exploration ?? 1)
      let planned = log(candidate.multiplier) - factor
      rows.raw(String(format: "%.17g", factor.isFinite ? factor : 0))
      rows.raw(planned.isFinite ? String(format: "%.17g", planned) : nil)
    }
    try saveExpectedOutcomes(connection, runID: runID, candidates: candidates)
  }

  /// The expected bookings and GMV of each category x city x day x currency of the table (all bands), and at
  /// list price, for the report's promised-against-realised comparison.
  private func saveExpectedOutcomes(_ connection: Connection, runID: Int64, candidates: [CandidateMultiplier]) throws {
    struct Sums { var bookings = 0.0, gmv = 0.0, bookingsAtList = 0.0, gmvAtList = 0.0 }
    var sums: [String: Sums] = [:]
    var keys: [(String, String, CalendarDay, String)] = []
    for candidate in candidates {
      let f = candidate.factors
      guard let currency = f.currency, let gmv = f.expected_gmv, let gmvAtList = f.gmv_at_list else { continue }
      let key = "\(candidate.category)\u{1F}\(candidate.city)\u{1F}\(candidate.date)\u{1F}\(currency)"
      if sums[key] == nil { keys.append((candidate.category, candidate.city, candidate.date, currency)) }
      sums[key, default: Sums()].bookings += f.expected_bookings ?? 0
      sums[key, default: Sums()].gmv += gmv
      sums[key, default: Sums()].bookingsAtList += f.bookings_at_list ?? 0
      sums[key, default: Sums()].gmvAtList += gmvAtList
    }
    var rows = CopyTextEncoder()
    try connection.copyIn(
      """
      COPY \(schema.table("expected_outcomes").quoted)
        (run_id, category, city, valid_on, currency, expected_bookings, expected_gmv, bookings_at_list, gmv_at_list)
      FROM STDIN
      """
    ) { writer in
      for (category, city, date, currency) in keys {
        let value = sums["\(category)\u{1F}\(city)\u{1F}\(date)\u{1F}\(currency)"]!
        rows.integer(runID)
        rows.field(category)
        rows.field(city)
        rows.date(LocalDate(daysSinceEpoch: date.daysSinceEpoch))
        rows.field(currency)
        for number in [value.bookings, value.gmv, value.bookingsAtList, value.gmvAtList] {
          rows.raw(number.isFinite ? String(number) : "0")
        }
        rows.endRow()
        if rows.bytes.count > 1 << 16 {
          try writer.write(rows.bytes)
          rows.reset()
        }
      }
      try writer.write(rows.bytes)
      rows.reset()
    }
  }

  /// The run to show: the given one, or the latest.
  public func resolveRun(_ connection: Connection, _ runID: Int64?) throws -> Int64 {
    if let runID {
      guard
        try connection.query("SELECT count(*) FROM \(schema.table("model_runs")) WHERE run_id = \(runID)").scalar(
          Int.self)
          == 1
      else { throw FitError(code: .notFound, message: "no model run \(runID)") }
      return runID
    }
    guard
      let latest = try connection.query("SELECT max(run_id) FROM \(schema.table("model_runs"))").single()
        .decode(Int64?.self, at: 0)
    else { throw FitError(code: .notFound, message: "no model run yet: run pricing fit first") }
    return latest
  }

  /// `pricing model show --format json`: the run as one JSON object (docs/cli.md).
  public func showJSON(_ connection: Connection, runID: Int64?) throws -> Data {
    let run = try resolveRun(connection, runID)
    let row = try connection.query(
      """
      SELECT run_id, as_of, history_start, holdout_start, horizon_days, family, theta, converged, iterations, status,
             to_jsonb(reasons)::text, config::text, coefficients::text, elasticities::text, metrics::text, timings::text,
             (SELECT count(*) FROM \(schema.table("candidate_multipliers")) c WHERE c.run_id = m.run_id)
      FROM \(schema.table("model_runs")) m WHERE run_id = \(run)
      """
    ).single()
    func parse(_ index: Int) throws -> Any {
      try JSONSerialization.jsonObject(
        with: Data(try row.decode(String.self, at: index).utf8), options: [.fragmentsAllowed])
    }
    var metrics = try parse(14) as? [String: Any] ?? [:]
    if let model = metrics["model"] as? [String: Any], let baseline = metrics["baseline"] as? [String: Any] {
      metrics["deviance_explained"] = model["deviance_explained"]
      metrics["wape"] = model["wape"]
      metrics["baseline_deviance_explained"] = baseline["deviance_explained"]
      metrics["baseline_wape"] = baseline["wape"]
    }
    let coefficients = try parse(12) as? [[String: Any]] ?? []
    let object: [String: Any] = [
      "run_id": try row.decode(Int64.self, at: 0),
      "as_of": try row.decode(String.self, at: 1),
      "history_start": try row.decode(String.self, at: 2),
      "holdout_start": try row.decode(String.self, at: 3),
      "horizon_days": try row.decode(Int.self, at: 4),
      "family": try row.decode(String.self, at: 5),
      "theta": try row.decode(Double?.self, at: 6) ?? NSNull(),
      "converged": try row.decode(Bool.self, at: 7),
      "iterations": try row.decode(Int.self, at: 8),
      "status": try row.decode(String.self, at: 9),
      "reasons": try parse(10),
      "config": try parse(11),
      "coefficients": coefficients,
      "elasticities": try parse(13),
      "experience_effect": coefficients.first { $0["name"] as? String == "experience" } ?? NSNull(),
      "metrics": metrics,
      "timings": try parse(15),
      "candidates": try row.decode(Int.self, at: 16),
    ]
    return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
  }

  /// Whether a model run still has its candidate multipliers' factors (publishing prunes those of old runs;
  /// a version's rows restored by migration 8 have none).
  public func hasCandidates(_ connection: Connection, runID: Int64?) throws -> Bool {
    let run = try resolveRun(connection, runID)
    return try connection.query(
      "SELECT EXISTS (SELECT 1 FROM \(schema.table("candidate_factors")) WHERE run_id = \(run))"
    ).scalar(Bool.self)
  }

  /// The candidate multipliers of a cell (all bands, or one), from the given or the latest run.
  public func candidates(
    _ connection: Connection, runID: Int64?, category: String, city: String, date: LocalDate, band: String?
  ) throws -> [CandidateMultiplier] {
    let run = try resolveRun(connection, runID)
    let rows = try connection.query(
      """
      SELECT m.experience_band, m.multiplier::float8, f.factors::text
      FROM \(schema.table("candidate_multipliers")) m
      JOIN \(schema.table("candidate_factors")) f USING (run_id, category, city, experience_band, valid_on)
      WHERE m.run_id = \(run) AND m.category = \(category) AND m.city = \(city) AND m.valid_on = \(date)
        AND (\(band)::text IS NULL OR m.experience_band = \(band)::text)
      ORDER BY m.experience_band
      """
    ).rows
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(
      positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    return try rows.map { row in
      CandidateMultiplier(
        category: category, city: city, band: try row.decode(String.self, at: 0),
        date: CalendarDay(daysSinceEpoch: date.daysSinceEpoch), multiplier: try row.decode(Double.self, at: 1),
        factors: try decoder.decode(MultiplierFactors.self, from: Data(try row.decode(String.self, at: 2).utf8)))
    }
  }
}
