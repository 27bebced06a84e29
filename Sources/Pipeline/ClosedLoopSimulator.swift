import Foundation
import Logging
import Marketplace
import Postgres
import PricingModel
import Warehouse

/// `pricing simulate`: a seeded market answering the prices the pipeline publishes, day after day
/// (docs/model.md, "Learning while pricing"; docs/cli.md).
///
/// Each simulated day D, from the seed's snapshot day on:
/// 1. the nightly run with D as its as-of and serving day (`PipelineRunner`, no report): ingest, and on a
///    refit day fit and publish; on other days ingest alone, the table published last serving on;
/// 2. the market books during D (`MarketplaceGenerator.simulateBookings`): its true demand for the next
///    days answers the multipliers serving, and the bookings and their payments are appended to the source
///    in one transaction with the day's log row (`simulation_days`), so that a day is all there or not at all.
///
/// Deterministic for a seed: the market's draws depend on the seed, the day and the prices alone. Resumes
/// where it stopped: a day whose nightly run was recorded (`priced`) only books, a day whose bookings were
/// appended (`booked`) is done; a stop between the nightly run and its record runs the night again (ingest,
/// fit and publish are safe to repeat).
/// Refuses (`PipelineError.notSimulatable`, exit 65) a source that `pricing seed` did not write, and a
/// first day on a warehouse that already published prices.
public struct ClosedLoopSimulator {
  public enum Refit: String, Sendable, CaseIterable {
    case nightly, weekly
  }

  public let config: PipelineConfig
  public let logger: Logger
  public let classify: PipelineRunner.Classifier
  /// Days to simulate in all (a resumed simulation continues up to this many).
  public var days: Int
  public var refit: Refit
  /// Deletes what an earlier simulation appended to the source and starts again at the seed's snapshot day
  /// (the warehouse must then be a fresh schema).
  public var restart = false
  /// Called after each day with its log and every day so far.
  public var onDay: (SimulatedDayLog, [SimulatedDayLog]) throws -> Void = { _, _ in }

  public init(
    config: PipelineConfig, days: Int, refit: Refit, logger: Logger, classify: @escaping PipelineRunner.Classifier
  ) {
    self.config = config
    self.days = days
    self.refit = refit
    self.logger = logger
    self.classify = classify
  }

  static let progressTable = "simulation_days"

  /// Runs the simulation; returns every simulated day's log, oldest first.
  public func run() throws -> [SimulatedDayLog] {
    let sourceSchema = try SQLIdentifier(config.sourceSchema)
    let warehouseSchema = try WarehouseSchema(name: config.schema)
    let source = try Connection(conninfo: config.source, logger: logger)
    guard let record = try SyntheticMarketRecord.read(source, schema: sourceSchema) else {
      throw PipelineError(
        code: .notSimulatable,
        message:
          "source schema \(sourceSchema) was not written by pricing seed: pricing simulate only runs on a seeded market")
    }
    let progress = sourceSchema.qualifying(Self.progressTable)
    try source.execute(
      """
      CREATE TABLE IF NOT EXISTS \(progress.quoted) (
        day   date PRIMARY KEY,
        phase text NOT NULL CHECK (phase IN ('priced', 'booked')),
        log   jsonb NOT NULL
      )
      """)
    try source.execute("COMMENT ON TABLE \(progress.quoted) IS '\(MarketplaceSeeder.tableComment)'")
    // A first day (or a restart) needs a warehouse that has published nothing: its prices would be the loop's.
    let warehouse = try Connection(conninfo: config.warehouseConninfo, logger: logger)
    _ = try Migrator(schema: warehouseSchema, logger: logger).migrate(warehouse)
    let startsAfresh = try restart || source.query("SELECT count(*) FROM \(progress)").scalar(Int.self) == 0
    if startsAfresh,
      try warehouse.query("SELECT EXISTS (SELECT 1 FROM \(warehouseSchema.table("price_versions")))").scalar(Bool.self)
    {
      throw PipelineError(
        code: .notSimulatable,
        message:
          "warehouse schema \(warehouseSchema.name) already holds published prices: a simulation starts from a fresh schema")
    }
    if restart {
      try source.transaction { connection in
        try connection.query(
          "DELETE FROM \(sourceSchema.qualifying("payments")) WHERE payment_id > \(record.lastPaymentID)")
        try connection.query(
          "DELETE FROM \(sourceSchema.qualifying("bookings")) WHERE booking_id > \(record.lastBookingID)")
        try connection.execute("DELETE FROM \(progress.quoted)")
      }
    }
    var logs = try source.query("SELECT log::text FROM \(progress) WHERE phase = 'booked' ORDER BY day").rows
      .map { try SimulatedDayLog.decoder().decode(SimulatedDayLog.self, from: Data(try $0.decode(String.self, at: 0).utf8)) }

    logger.info("simulate: rebuilding the seeded market", metadata: ["seed": "\(record.spec.seed)", "preset": "\(record.spec.shape.name)"])
    let generator = MarketplaceGenerator(spec: record.spec)
    let bands = try MarketplaceGenerator.BandDefinition.read(warehouse, schema: warehouseSchema)
    let truth = Dictionary(uniqueKeysWithValues: generator.truth().categories.map { ($0.category, $0.elasticity) })
    let bounds = config.policy.min_multiplier...max(config.policy.min_multiplier, config.policy.max_multiplier)

    for index in logs.count..<days {
      let day = record.spec.today.adding(days: index)
      let phaseRow = try source.query("SELECT phase, log::text FROM \(progress) WHERE day = \(day)").rows.first
      var log: SimulatedDayLog
      if let phaseRow, try phaseRow.decode(String.self, at: 0) == "priced" {
        log = try SimulatedDayLog.decoder().decode(SimulatedDayLog.self, from: Data(try phaseRow.decode(String.self, at: 1).utf8))
        logger.info("simulate: resuming a day whose nightly run finished", metadata: ["day": "\(day)"])
      } else {
        log = try price(
          day: day, index: index, warehouse: warehouse, schema: warehouseSchema, generator: generator, bands: bands,
          truth: truth, bounds: bounds)
        try source.query(
          """
          INSERT INTO \(progress) (day, phase, log) VALUES (\(day), 'priced', \(try Self.json(log))::jsonb)
          ON CONFLICT (day) DO UPDATE SET phase = 'priced', log = excluded.log
          """)
      }
      try book(
        &log, day: day, source: source, sourceSchema: sourceSchema, progress: progress, warehouse: warehouse,
        schema: warehouseSchema, generator: generator, bands: bands, record: record)
      logs.append(log)
      try onDay(log, logs)
    }
    return logs
  }

  // MARK: - The night

  /// The nightly run of `day` (as-of and serving day), then the serving table's elasticities and value.
  private func price(
    day: LocalDate, index: Int, warehouse: Connection, schema: WarehouseSchema, generator: MarketplaceGenerator,
    bands: [MarketplaceGenerator.BandDefinition], truth: [String: Double], bounds: ClosedRange<Double>
  ) throws -> SimulatedDayLog {
    let started = Date()
    var nightly = config
    nightly.reportDirectory = ""
    let refitting = refit == .nightly || index % 7 == 0
    var runner = PipelineRunner(
      config: nightly, today: day, fullIngest: false, actor: "pricing simulate", logger: logger, classify: classify)
    runner.servingDay = day
    if !refitting { runner.steps = [.ingest] }
    let outcome = try runner.run()
    let rejected = outcome.steps.contains { $0.status == "rejected" }
    if outcome.exitCode != 0 && !rejected {
      let failed = outcome.steps.first { $0.status == "failed" }
      throw PipelineError(
        code: .rejected,
        message: "the nightly run of simulated day \(day) failed at \(failed?.step ?? "a step") (exit \(outcome.exitCode)): \(failed?.error ?? "")")
    }

    // The table serving the day and the run behind it.
    let serving = try warehouse.query(
      """
      SELECT v.version_id, v.run_id, r.elasticities::text,
             (r.metrics->'exploration'->>'explored_cells')::int,
             (SELECT max((c->>'cost_share')::float8) FROM jsonb_array_elements(r.metrics->'exploration'->'costs') c)
      FROM \(schema.table("current_version")) cv
      JOIN \(schema.table("price_versions")) v ON v.version_id = cv.version_id
      JOIN \(schema.table("model_runs")) r ON r.run_id = v.run_id
      """
    ).rows.first
    var elasticities: [SimulatedDayLog.Elasticity] = []
    if let serving {
      struct Stored: Decodable {
        var category: String
        var estimate: Double?
        var std_error: Double?
        var source: String
        var explored_days: Int?
        var days_needed: Int?
      }
      let stored = try JSONDecoder().decode([Stored].self, from: Data(try serving.decode(String.self, at: 2).utf8))
      elasticities = stored.map {
        SimulatedDayLog.Elasticity(
          category: $0.category, estimate: $0.estimate ?? .nan, std_error: $0.std_error, source: $0.source,
          truth: truth[$0.category] ?? .nan, explored_days: $0.explored_days, days_needed: $0.days_needed)
      }
    }
    let table = try Self.servedTable(warehouse, schema: schema, from: day, through: day)
    // The same table without its exploration: what exploring cost under the true demand.
    var unexplored = table
    if let run = try serving?.decode(Int64.self, at: 1) {
      for row in try warehouse.query(
        """
        SELECT category, city, experience_band, (factors->>'exploration')::float8 FROM \(schema.table("candidate_factors"))
        WHERE run_id = \(run) AND valid_on = \(day) AND factors->>'exploration' IS NOT NULL
        """
      ).rows {
        let key =
          "\(try row.decode(String.self, at: 0))|\(try row.decode(String.self, at: 1))|\(try row.decode(String.self, at: 2))|\(day)"
        if let multiplier = unexplored[key] { unexplored[key] = multiplier / (try row.decode(Double.self, at: 3)) }
      }
    }
    let cells = generator.trueBandCells(from: day, through: day, bands: bands)
    let evaluation = MarketValue.evaluate(cells, table: table, bounds: bounds)
    let withoutExploration = MarketValue.evaluate(cells, table: unexplored, bounds: bounds).lines
    let value = evaluation.lines.filter { $0.category == nil }.map { line in
      SimulatedDayLog.Value(
        currency: line.currency, gmv: line.gmv, gmv_flat: line.gmv_flat, gmv_oracle: line.gmv_oracle,
        capture: line.capture,
        gmv_unexplored: withoutExploration.first { $0.category == nil && $0.currency == line.currency }?.gmv ?? line.gmv)
    }
    return SimulatedDayLog(
      day: day.description, refit: refitting, run_id: outcome.runID, run_status: rejected ? "rejected" : "succeeded",
      run_exit_code: outcome.exitCode, serving_run_id: try serving?.decode(Int64.self, at: 1),
      serving_version_id: try serving?.decode(Int64.self, at: 0), bookings: 0, gmv: [:], elasticities: elasticities,
      value: value, explored_cells: try serving?.decode(Int?.self, at: 3),
      exploration_cost_share: try serving?.decode(Double?.self, at: 4), seconds: Date().timeIntervalSince(started))
  }

  // MARK: - The day

  /// The market's bookings of `day` at the multipliers serving, appended with the day's log (its seconds now
  /// counting the booking too) in one transaction.
  private func book(
    _ log: inout SimulatedDayLog, day: LocalDate, source: Connection, sourceSchema: SQLIdentifier,
    progress: SQLQualifiedName, warehouse: Connection, schema: WarehouseSchema, generator: MarketplaceGenerator,
    bands: [MarketplaceGenerator.BandDefinition], record: SyntheticMarketRecord
  ) throws {
    let started = Date()
    let table = try Self.servedTable(
      warehouse, schema: schema, from: day, through: day.adding(days: MarketplaceGenerator.simulatedLeadDays))
    var booked: [String: Int] = [:]
    if record.spec.shape.capacityBound {
      // What the source already holds for those days (the seed's and earlier simulated days' bookings).
      for row in try source.query(
        """
        SELECT s.category, s.city, (b.scheduled_for AT TIME ZONE c.time_zone)::date, count(*)
        FROM \(sourceSchema.qualifying("bookings")) b
        JOIN \(sourceSchema.qualifying("services")) s ON s.service_id = b.service_id
        JOIN \(sourceSchema.qualifying("cities")) c ON c.city = s.city
        WHERE b.scheduled_for >= \(day)::timestamp - interval '1 day' AND b.status <> 'cancelled'
        GROUP BY 1, 2, 3
        """
      ).rows {
        booked["\(try row.decode(String.self, at: 0))|\(try row.decode(String.self, at: 1))|\(try row.decode(LocalDate.self, at: 2))"] =
          try row.decode(Int.self, at: 3)
      }
    }
    let ids = try source.query(
      """
      SELECT greatest((SELECT max(booking_id) FROM \(sourceSchema.qualifying("bookings"))), \(record.lastBookingID)),
             greatest((SELECT max(payment_id) FROM \(sourceSchema.qualifying("payments"))), \(record.lastPaymentID))
      """
    ).single()
    let simulated = generator.simulateBookings(
      on: day, bands: bands, multiplier: { table["\($0)|\($1)|\($2)|\($3)"] ?? 1 }, booked: booked,
      lastBookingID: try ids.decode(Int64.self, at: 0), lastPaymentID: try ids.decode(Int64.self, at: 1))
    log.bookings = simulated.bookings
    log.gmv = simulated.gmvByCurrency
    log.seconds += Date().timeIntervalSince(started)
    let finished = log
    try source.transaction { connection in
      _ = try connection.copyIn(
        "COPY \(sourceSchema.qualifying("bookings").quoted) (\(SourceTable.bookings.columns.joined(separator: ", "))) FROM STDIN"
      ) { try $0.write(simulated.bookingRows) }
      _ = try connection.copyIn(
        "COPY \(sourceSchema.qualifying("payments").quoted) (\(SourceTable.payments.columns.joined(separator: ", "))) FROM STDIN"
      ) { try $0.write(simulated.paymentRows) }
      try connection.query(
        "UPDATE \(progress) SET phase = 'booked', log = \(try Self.json(finished))::jsonb WHERE day = \(day)")
    }
    logger.info(
      "simulate: day booked",
      metadata: ["day": "\(day)", "bookings": "\(simulated.bookings)", "run_status": "\(log.run_status)"])
  }

  /// The multipliers serving (`current_multipliers`) for local days in [from, through], keyed
  /// `category|city|band|date` as `MarketValue` reads a table.
  static func servedTable(_ warehouse: Connection, schema: WarehouseSchema, from: LocalDate, through: LocalDate) throws
    -> [String: Double]
  {
    var table: [String: Double] = [:]
    for row in try warehouse.query(
      """
      SELECT category, city, experience_band, valid_on, multiplier::float8 FROM \(schema.table("current_multipliers"))
      WHERE valid_on BETWEEN \(from) AND \(through)
      """
    ).rows {
      let key =
        "\(try row.decode(String.self, at: 0))|\(try row.decode(String.self, at: 1))|\(try row.decode(String.self, at: 2))|\(try row.decode(LocalDate.self, at: 3))"
      table[key] = try row.decode(Double.self, at: 4)
    }
    return table
  }

  static func json(_ log: SimulatedDayLog) throws -> String {
    String(decoding: try SimulatedDayLog.encoder().encode(log), as: UTF8.self)
  }
}
