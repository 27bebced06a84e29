import Foundation
import Logging
import Postgres
import PricingModel
import Warehouse

/// `pricing fit`: cells from the warehouse -> the demand model (Swift GLM) -> holdout validation
/// against the seasonal-naive baseline -> refit on all data -> the multiplier policy -> a model run with
/// its candidate price table (docs/model.md).
///
/// A model that does not beat the baseline on the holdout is stored as `rejected` with its reasons; its
/// candidates are stored all the same (for inspection) but publish refuses them without `--force`.
public struct FitRunner {
  public let options: FitOptions
  public let logger: Logger

  public init(options: FitOptions, logger: Logger) {
    self.options = options
    self.logger = logger
  }

  public func run() throws -> FitOutcome {
    let schema = options.schema
    let policy = options.policy
    let connection = try Connection(conninfo: options.warehouseConninfo, logger: logger)
    try schema.requireMigrated(connection)
    // The cell aggregates are large but simple: JIT compilation costs more than it saves (about a second
    // per statement here).
    try connection.execute("SET jit = off")
    let recorderConnection = try Connection(conninfo: options.warehouseConninfo, logger: logger)
    let configJSON = String(decoding: try JSONEncoder().encode(policy), as: UTF8.self)
    let recorder = try RunRecorder(
      connection: recorderConnection, schema: schema, command: "fit",
      parameters: "{\"as_of\": \"\(options.asOf)\", \"policy\": \(configJSON)}")
    try recorder.begin(step: "fit")
    do {
      let outcome = try fit(connection, runID: recorder.runID)
      try recorder.end(
        step: "fit", status: outcome.status == "fitted" ? "succeeded" : "rejected", rows: Int64(outcome.candidates),
        exitCode: outcome.status == "fitted" ? 0 : 81,
        error: outcome.reasons.isEmpty ? nil : outcome.reasons.joined(separator: "; "))
      // A rejected model is exit 81 (docs/contracts.md section 3), as the command exits.
      try recorder.finish(
        status: outcome.status == "fitted" ? "succeeded" : "rejected", exitCode: outcome.status == "fitted" ? 0 : 81,
        error: outcome.reasons.isEmpty ? nil : outcome.reasons.joined(separator: "; "))
      return outcome
    } catch {
      try? recorder.end(step: "fit", status: "failed", rows: nil, exitCode: nil, error: String(describing: error))
      try? recorder.finish(status: "failed", exitCode: options.exitCode(error), error: String(describing: error))
      throw error
    }
  }

  private func fit(_ connection: Connection, runID: Int64) throws -> FitOutcome {
    // The cells file's destination is checked before any work.
    if let path = options.cellsOut { try CellsFile.checkDestination(path) }
    let schema = options.schema
    let policy = options.policy
    let asOf = options.asOf
    var timings: [String: Double] = [:]
    var clock = Date()
    func lap(_ name: String) {
      timings[name] = Date().timeIntervalSince(clock)
      clock = Date()
    }

    // The data window.
    let range = try connection.query(
      "SELECT min(local_date), max(local_date) FROM \(schema.table("demand_cells")) WHERE bookings > 0 AND local_date < \(asOf)"
    ).single()
    guard let first = try range.decode(LocalDate?.self, at: 0), let last = try range.decode(LocalDate?.self, at: 1)
    else {
      throw FitError(code: .noData, message: "no ingested bookings before the as-of date \(asOf): nothing to fit")
    }
    let historyStart = max(first, asOf.adding(days: -policy.history_days))
    let holdoutStart = asOf.adding(days: -policy.holdout_days)
    // A holdout without a single booking cannot validate anything (its WAPE is infinite): the as-of date is
    // past the data, a typo or a stale ingest.
    guard last >= holdoutStart else {
      throw FitError(
        code: .noData,
        message:
          "the as-of date \(asOf) is past the data: the last ingested booking is on \(last), before the holdout from \(holdoutStart)"
      )
    }
    guard holdoutStart.daysSinceEpoch - historyStart.daysSinceEpoch >= 28 else {
      throw FitError(
        code: .noData,
        message:
          "only \(asOf.daysSinceEpoch - historyStart.daysSinceEpoch) days of data before \(asOf): at least \(policy.holdout_days + 28) are needed"
      )
    }
    let holidays = Set(options.holidays.map { "\($0.country)|\($0.date)" })
    if let lastHoliday = options.holidays.map(\.date).max(), lastHoliday < asOf.adding(days: policy.horizon_days - 1) {
      logger.warning(
        "the holiday calendar ends before the horizon: later holidays are priced as ordinary days",
        metadata: ["calendar_end": "\(lastHoliday)", "horizon_end": "\(asOf.adding(days: policy.horizon_days - 1))"])
    }
    let horizonEnd = asOf.adding(days: policy.horizon_days - 1)
    var queries = CellQueries(schema: schema)
    queries.events = options.events
    let cells = try queries.historyCells(
      connection, from: historyStart, through: asOf.adding(days: -1), holidays: holidays)
    let calendarProblems = Self.calendarProblems(
      options.events, file: options.eventsFile, historyStart: historyStart, horizonEnd: horizonEnd,
      cities: Set(cells.map(\.city)))
    let calendarWarning = calendarProblems.isEmpty ? nil : calendarProblems.joined(separator: "; ")
    for problem in calendarProblems { logger.warning("\(problem)") }
    lap("cells_sql_seconds")

    let categories = Array(Set(cells.filter { $0.capacity > 0 }.map(\.category))).sorted {
      $0.utf8.lexicographicallyPrecedes($1.utf8)
    }
    let cities = Array(Set(cells.filter { $0.capacity > 0 }.map(\.city))).sorted {
      $0.utf8.lexicographicallyPrecedes($1.utf8)
    }
    let useHoliday = cells.contains { $0.holiday } && cells.contains { !$0.holiday }
    let trendOrigin = CalendarDay(daysSinceEpoch: asOf.daysSinceEpoch)
    // Days the pipeline's own published tables priced: with `exploration`, their price answers the
    // elasticity only through its logged randomised part.
    let pipelineDays = Set(cells.filter { $0.logExploration != nil }.map(\.date)).count
    let separatesPipelinePrices = options.model.elasticityIdentification == .exploration && pipelineDays > 0
    /// The design for a structure and the cells it is fitted on: event groups only where they occur there.
    func features(_ structure: DemandStructure, _ fitted: [DemandCell]) -> DemandFeatures {
      var groups = Set<String>()
      for cell in fitted where !cell.events.isEmpty { groups.formUnion(cell.events) }
      return DemandFeatures(
        categories: categories, cities: cities, useHoliday: useHoliday, structure: structure,
        eventGroups: groups.sorted(), trendOrigin: trendOrigin, separatesPipelinePrices: separatesPipelinePrices)
    }
    let holdoutDay = CalendarDay(daysSinceEpoch: holdoutStart.daysSinceEpoch)
    let training = cells.filter { $0.date < holdoutDay }
    let holdout = cells.filter { $0.date >= holdoutDay && $0.capacity > 0 }

    // The structure, by rolling-origin backtests on the training days (never the holdout).
    let selection = try ModelSelection.choose(
      cells: training, end: holdoutDay, config: options.model, makeFeatures: features)
    let structure = selection.structure
    for note in selection.notes { logger.info("model structure: \(note)") }
    logger.info(
      selection.scores.isEmpty ? "model structure (no backtests): \(structure)" : "model structure chosen by backtests: \(structure)")
    lap("backtest_seconds")

    // Validation: fit on the training weeks, predict the held-out ones, compare with the baselines.
    var validationModel = try DemandModel.fit(
      training, features: features(structure, training), config: options.model)
    let actual = holdout.map(\.bookings)
    let baseline = Validation.seasonalNaive(
      training: training, holdout: holdout, holdoutStart: holdoutDay, weeks: policy.baseline_weeks)
    let lastYear = Validation.lastYearScaled(
      training: training, holdout: holdout, holdoutStart: holdoutDay, weeks: policy.baseline_weeks)
    let baselineMetrics = Validation.metrics(actual: actual, predicted: baseline)
    let lastYearMetrics = lastYear.map { Validation.metrics(actual: actual, predicted: $0) }
    // Intervals: NB2 with the dispersion of the backtests' out-of-sample residuals (the fit's own theta
    // when there were no folds).
    let intervalTheta =
      selection.outOfSample.actual.isEmpty
      ? validationModel.glm.theta
      : PredictiveDistribution.outOfSampleTheta(
        actual: selection.outOfSample.actual, predicted: selection.outOfSample.predicted)
    validationModel.forecastTheta = intervalTheta
    let demands = holdout.map { validationModel.predict($0) }
    let predicted = zip(holdout, demands).map { validationModel.observed(demand: $1, cell: $0) }
    let distributions = zip(holdout, demands).map {
      PredictiveDistribution(mu: $1, theta: intervalTheta, slots: validationModel.boundByCapacity ? $0.slots : nil)
    }
    let coverage = IntervalCoverage.measure(actual: actual, distributions: distributions)
    let modelMetrics = Validation.metrics(actual: actual, predicted: predicted)
    let suggested = holdout.map { MultiplierPolicy.cellMultiplier(model: validationModel, cell: $0, config: policy) }
    let regret = Validation.bookingRegret(
      zip(holdout, suggested).map { (exp($0.0.logPriceRatio ?? 0), $0.1, $0.0.bookings) })
    let quoteMetrics = try holdoutQuoteMetrics(
      connection, holdout: holdout, suggested: suggested, from: holdoutStart, through: asOf.adding(days: -1))
    lap("validation_seconds")

    var reasons: [String] = []
    if !validationModel.glm.converged { reasons.append("the validation fit did not converge") }
    reasons += Validation.gate(
      model: modelMetrics,
      baselines: [("seasonal-naive baseline", baselineMetrics)] + (lastYearMetrics.map { [("last-year baseline", $0)] } ?? []))

    // The final model on all the data.
    var model = try DemandModel.fit(cells, features: features(structure, cells), config: options.model)
    model.forecastTheta = intervalTheta
    if !model.glm.converged { reasons.append("the final fit did not converge") }
    lap("fit_seconds")

    let future = try queries.futureCells(
      connection, from: asOf, through: asOf.adding(days: policy.horizon_days - 1), historyFrom: historyStart,
      holidays: holidays)
    let bands = try connection.query(
      "SELECT band, min_years::float8, max_years::float8 FROM \(schema.table("experience_bands")) ORDER BY min_years"
    ).rows.map {
      ExperienceBand(
        name: try $0.decode(String.self, at: 0), minYears: try $0.decode(Double.self, at: 1),
        maxYears: try $0.decode(Double?.self, at: 2))
    }
    let (current, currentExploration) = try currentMultipliers(connection)
    let overrides = try OverrideStore(schema: schema).inForce(
      connection, from: asOf, through: asOf.adding(days: policy.horizon_days - 1))
    let (candidates, exploration) = MultiplierPolicy.plan(
      model: model, cells: future, bands: bands, config: policy, current: current, currentExploration: currentExploration,
      overrides: overrides)
    if policy.explore.isOn {
      logger.info(
        "exploration",
        metadata: [
          "explored_cells": "\(exploration.explored_cells)", "cells": "\(exploration.cells)",
          "scale": "\(String(format: "%.3f", exploration.scale))",
          "cost_share": "\(String(format: "%.3f%%", exploration.worstCostShare * 100))",
        ])
    }
    for elasticity in model.elasticities where elasticity.source == .prior && elasticity.dataStdError != nil {
      logger.info(
        "elasticity not yet learned: the prior is used",
        metadata: [
          "category": "\(elasticity.category)",
          "standard_error": "\(String(format: "%.3f", elasticity.dataStdError ?? .nan))",
          "explored_days": "\(elasticity.exploredDays ?? 0)",
          "days_needed": "\(elasticity.daysNeeded.map(String.init) ?? "unknown")",
        ])
    }
    lap("policy_seconds")

    // What the table is expected to do, against flat prices and the table being served.
    let uncertainty = ImpactStore.uncertainty(
      calibrationByCategory: Validation.calibration(holdout.map(\.category), actual: actual, predicted: predicted),
      model: options.model)
    let bounds = policy.min_multiplier...max(policy.min_multiplier, policy.max_multiplier)
    var impact = [
      "flat": PriceImpact.estimate(
        ImpactStore.cells(candidates, against: nil), against: "flat", bounds: bounds, uncertainty: uncertainty)
    ]
    if let served = try currentRun(connection) {
      impact["current"] = PriceImpact.estimate(
        ImpactStore.cells(candidates, against: current), against: "run \(served)", bounds: bounds,
        uncertainty: uncertainty)
    }
    if let total = impact["flat"]?.total, !total.isEmpty {
      for line in total {
        logger.info(
          "expected GMV against flat prices",
          metadata: [
            "currency": "\(line.currency)", "change": "\(String(format: "%+.2f%%", (line.gmv_change ?? 0) * 100))",
            "bookings_change": "\(String(format: "%+.2f%%", (line.bookings_change ?? 0) * 100))",
          ])
      }
    }
    lap("impact_seconds")

    let summary = ValidationSummary(
      holdout_start: holdoutStart.description, holdout_end: asOf.adding(days: -1).description, cells: holdout.count,
      model: modelMetrics, baseline: baselineMetrics,
      calibration_by_category: Validation.calibration(holdout.map(\.category), actual: actual, predicted: predicted),
      calibration_by_city: Validation.calibration(holdout.map(\.city), actual: actual, predicted: predicted),
      booking_regret: regret, quotes: quoteMetrics, pearson_dispersion: model.glm.pearsonDispersion,
      by_week: Validation.byWeek(dates: holdout.map(\.date), actual: actual, predicted: predicted, baseline: baseline),
      baseline_last_year: lastYearMetrics, intervals: coverage, structure: structure.description,
      backtests: selection.scores, structure_notes: selection.notes, censored_cells: model.censoredCells,
      calendar_end: options.events.lastDay?.description, calendar_warning: calendarWarning,
      exploration: policy.explore.isOn ? exploration : nil,
      elasticity_identification: options.model.elasticityIdentification.rawValue, pipeline_days: pipelineDays)
    let status = reasons.isEmpty ? "fitted" : "rejected"
    try ModelRunStore(schema: schema).save(
      connection, runID: runID, asOf: asOf, historyStart: historyStart, holdoutStart: holdoutStart, policy: policy,
      model: model, metrics: summary, status: status, reasons: reasons, timings: timings, candidates: candidates,
      impact: impact)
    lap("store_seconds")
    // After the run is saved: a file that cannot be written loses no fit.
    if let path = options.cellsOut {
      try CellsFile.write(
        path: path, cells: cells, holdoutStart: holdoutDay, holdout: holdout, predicted: predicted,
        distributions: distributions, baseline: baseline, lastYear: lastYear)
    }
    logger.info(
      "fit \(status)", metadata: ["run_id": "\(runID)", "candidates": "\(candidates.count)", "timings": "\(timings)"])
    return FitOutcome(
      runID: runID, status: status, reasons: reasons, metrics: summary, candidates: candidates.count, timings: timings)
  }

  /// What the event calendar does not cover, in words (none without a calendar file): no windows at all,
  /// an end before the horizon's, a start after the history's, countries whose windows end before the
  /// horizon does, and cities that match no priced city.
  static func calendarProblems(
    _ calendar: EventCalendar, file: String, historyStart: LocalDate, horizonEnd: LocalDate, cities: Set<String>
  ) -> [String] {
    guard !file.isEmpty else { return [] }
    guard let lastDay = calendar.lastDay, let firstDay = calendar.firstDay else {
      return ["the event calendar \(file) holds no windows: no event effects are fitted"]
    }
    var problems: [String] = []
    if lastDay.daysSinceEpoch < horizonEnd.daysSinceEpoch {
      problems.append(
        "the event calendar \(file) ends on \(lastDay), before the horizon's last day \(horizonEnd): later events are priced as ordinary days")
    } else {
      var lastByCountry: [String: CalendarDay] = [:]
      for window in calendar.windows { lastByCountry[window.country] = max(lastByCountry[window.country] ?? window.last, window.last) }
      let short = lastByCountry.filter { $0.value.daysSinceEpoch < horizonEnd.daysSinceEpoch }.keys.sorted()
      if !short.isEmpty {
        problems.append(
          "the event calendar \(file) has no window after the horizon's last day \(horizonEnd) for \(short.joined(separator: ", ")): their later events are priced as ordinary days")
      }
    }
    if firstDay.daysSinceEpoch > historyStart.daysSinceEpoch {
      problems.append(
        "the event calendar \(file) starts on \(firstDay), after the history's first day \(historyStart): earlier events are fitted as ordinary days")
    }
    let unknown = Set(calendar.windows.compactMap(\.city)).subtracting(cities).sorted()
    if !unknown.isEmpty {
      problems.append(
        "the event calendar \(file) names cities with no priced services: \(unknown.joined(separator: ", ")): their windows have no effect")
    }
    return problems
  }

  /// The published multipliers the daily-change limit compares against (none before the first publish).
  /// The table being served (`category|city|band|date` -> multiplier), and the exploration factor of each of
  /// its explored cells (`exploration_cells`; the daily-change limit holds the policy's own price against the
  /// served one without it, and a served day keeps it).
  private func currentMultipliers(_ connection: Connection) throws -> (multipliers: [String: Double], exploration: [String: Double]) {
    let view = options.schema.table("current_multipliers")
    guard try connection.query("SELECT to_regclass(\(view.quoted)) IS NOT NULL").scalar(Bool.self) else { return ([:], [:]) }
    var multipliers: [String: Double] = [:]
    var exploration: [String: Double] = [:]
    for row in try connection.query(
      SQLQuery(
        unsafeSQL: """
          SELECT c.category, c.city, c.experience_band, c.valid_on, c.multiplier::float8, e.log_factor
          FROM \(view.quoted) c
          JOIN \(options.schema.table("current_version").quoted) v ON v.version_id = c.version_id
          LEFT JOIN \(options.schema.table("exploration_cells").quoted) e
            ON e.run_id = v.run_id AND e.category = c.category AND e.city = c.city
           AND e.experience_band = c.experience_band AND e.valid_on = c.valid_on
          """)
    ).rows {
      let key =
        "\(try row.decode(String.self, at: 0))|\(try row.decode(String.self, at: 1))|\(try row.decode(String.self, at: 2))|\(try row.decode(LocalDate.self, at: 3))"
      multipliers[key] = try row.decode(Double.self, at: 4)
      if let logFactor = try row.decode(Double?.self, at: 5), logFactor.isFinite, logFactor != 0 {
        exploration[key] = exp(logFactor)
      }
    }
    return (multipliers, exploration)
  }

  /// The run whose table is being served (nil before the first publish).
  private func currentRun(_ connection: Connection) throws -> Int64? {
    let table = options.schema.table("current_version")
    guard try connection.query("SELECT to_regclass(\(table.quoted)) IS NOT NULL").scalar(Bool.self) else { return nil }
    return try connection.query("SELECT run_id FROM \(table)").rows.first.map { try $0.decode(Int64.self, at: 0) }
  }

  /// Quotes shown for held-out days: quoted multiplier against the suggested one, booked or not.
  private func holdoutQuoteMetrics(
    _ connection: Connection, holdout: [DemandCell], suggested: [Double], from: LocalDate, through: LocalDate
  ) throws -> QuoteMetrics? {
    var suggestion: [String: Double] = [:]
    for (cell, value) in zip(holdout, suggested) { suggestion["\(cell.category)|\(cell.city)|\(cell.date)"] = value }
    let schema = options.schema
    let rows = try connection.query(
      """
      SELECT q.category, q.city, q.local_date, round(q.multiplier, 4)::float8, q.booking_id IS NOT NULL,
             count(*)::float8
      FROM \(schema.table("quote_facts")) q
      WHERE NOT q.source_deleted AND q.local_date BETWEEN \(from) AND \(through)
      GROUP BY 1, 2, 3, 4, 5
      """
    ).rows
    var quotes: [(quoted: Double, suggested: Double, booked: Bool, count: Double)] = []
    for row in rows {
      let key =
        "\(try row.decode(String.self, at: 0))|\(try row.decode(String.self, at: 1))|\(try row.decode(LocalDate.self, at: 2))"
      guard let value = suggestion[key] else { continue }
      quotes.append(
        (
          try row.decode(Double.self, at: 3), value, try row.decode(Bool.self, at: 4),
          try row.decode(Double.self, at: 5)
        ))
    }
    return quotes.isEmpty ? nil : Validation.quoteMetrics(quotes)
  }
}
