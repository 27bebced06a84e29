import CSV
import Foundation
import Postgres
import PricingModel
import Warehouse

/// The demand cells, aggregated in the warehouse and read through COPY and the CSV module.
///
/// A cell is (category, city, local date) for every priceable category x city
/// (`WarehouseSchema.priceableOffers`, the definition publish's coverage guardrail uses) and every day of
/// the window, bookings or not (zero demand is information). Capacity: the weekly capacity / 7 of
/// the active providers of active services there, counted from their onboarding date. Bookings and price
/// come from `demand_cells`, which ingest keeps current: the mean log of charged / list price of the
/// day's bookings, else of the multipliers of the prices shown in quotes for that day, else unknown.
struct CellQueries {
  let schema: WarehouseSchema
  /// The event calendar whose groups each cell carries.
  var events: EventCalendar = .empty

  /// Countries in the southern hemisphere, whose weather seasons are reversed.
  static let southernCountries: Set<String> = [
    "AU", "NZ", "ZA", "AR", "CL", "UY", "PY", "BO", "BR", "PE", "NA", "BW", "ZW", "MZ", "MG", "LS", "SZ", "FJ", "PG",
  ]

  /// Capacity and experience mix per pair and day, as running sums over onboarding events (no join of
  /// every day with every provider).
  private func capacitySQL(from: LocalDate, through: LocalDate) -> SQLQuery {
    var query: SQLQuery = """
      WITH active AS (
        SELECT DISTINCT o.category, o.city, o.provider_id, o.weekly_capacity, o.experience_years,
               greatest(coalesce(o.onboarded_at::date, '-infinity'::date), \(from)::date) AS since
        FROM (
      """
    query.append(schema.priceableOffers)
    query.append(
      """
      ) o),
      events AS (
        SELECT category, city, since AS day, sum(weekly_capacity)::float8 AS capacity,
               sum(weekly_capacity * experience_years)::float8 AS years
        FROM active WHERE since <= \(through)::date GROUP BY 1, 2, 3),
      grid AS (
        SELECT p.category, p.city, d::date AS day
        FROM (SELECT DISTINCT category, city FROM active) p
        CROSS JOIN generate_series(\(from)::date, \(through)::date, interval '1 day') d)
      SELECT g.category, g.city, g.day,
             coalesce(sum(e.capacity) OVER w, 0) / 7.0 AS capacity,
             coalesce(sum(e.years) OVER w / nullif(sum(e.capacity) OVER w, 0), 0) AS mean_years
      FROM grid g LEFT JOIN events e USING (category, city, day)
      WINDOW w AS (PARTITION BY g.category, g.city ORDER BY g.day)
      """)
    return query
  }

  /// Historical cells in [from, through]: capacity per day joined to the demand cells ingest maintains, and
  /// the logged exploration of the published table that priced each day (`DemandCell.logExploration`).
  func historyCells(_ connection: Connection, from: LocalDate, through: LocalDate, holidays: Set<String>) throws
    -> [DemandCell]
  {
    var query: SQLQuery = "COPY (WITH capacity AS MATERIALIZED ("
    query.append(capacitySQL(from: from, through: through))
    query.append(
      """
      ), served AS (
        -- The exploration of the published table that priced each day: the latest run (by as-of date) of
        -- those ever published whose table covers it (publish_events keeps every publish; versions are pruned).
        -- A cell's factor and planned price are its bands' means (they share one draw).
        SELECT DISTINCT ON (e.category, e.city, e.valid_on) e.category, e.city, e.valid_on,
               avg(e.log_factor) AS log_factor, avg(e.log_planned) AS log_planned
        FROM \(schema.table("exploration_cells")) e
        JOIN \(schema.table("model_runs")) r ON r.run_id = e.run_id
        WHERE e.valid_on BETWEEN \(from) AND \(through) AND r.as_of <= e.valid_on
          AND e.run_id IN (SELECT run_id FROM \(schema.table("publish_events")) WHERE action = 'publish')
        GROUP BY e.category, e.city, e.valid_on, r.as_of, e.run_id
        ORDER BY e.category, e.city, e.valid_on, r.as_of DESC, e.run_id DESC
      )
      SELECT c.category, c.city, c.day, coalesce(d.bookings, 0), c.capacity, c.mean_years,
             CASE WHEN d.bookings > 0 THEN d.log_ratio_sum / d.bookings
                  WHEN d.quotes > 0 THEN d.quote_log_sum / d.quotes END,
             ct.country, s.log_factor, s.log_planned
      FROM capacity c
      LEFT JOIN \(schema.table("demand_cells")) d
        ON d.category = c.category AND d.city = c.city AND d.local_date = c.day
      JOIN \(schema.table("cities")) ct ON ct.city = c.city
      LEFT JOIN served s ON s.category = c.category AND s.city = c.city AND s.valid_on = c.day
      ORDER BY 1, 2, 3) TO STDOUT WITH (FORMAT csv)
      """)
    var cells: [DemandCell] = []
    try read(connection, query, fields: 10) { record in
      let place = try self.place(record, dateField: 2, countryField: 7, holidays: holidays)
      cells.append(
        DemandCell(
          category: record.string(0)!, city: record.string(1)!, date: place.date,
          bookings: record.finiteDouble(3) ?? 0, capacity: record.finiteDouble(4) ?? 0,
          meanExperience: record.finiteDouble(5) ?? 0, logPriceRatio: record.finiteDouble(6),
          southern: place.southern, holiday: place.holiday, events: place.events,
          logExploration: record.finiteDouble(8), logPlannedPrice: record.finiteDouble(9)))
    }
    return cells
  }

  /// Cells to price in [from, through], with each pair's bookings in the history.
  func futureCells(
    _ connection: Connection, from: LocalDate, through: LocalDate, historyFrom: LocalDate, holidays: Set<String>
  ) throws -> [FutureCell] {
    var query: SQLQuery = "COPY (WITH capacity AS MATERIALIZED ("
    query.append(capacitySQL(from: from, through: through))
    query.append(
      """
      ), history AS MATERIALIZED (
        SELECT category, city, sum(bookings)::float8 AS bookings FROM \(schema.table("demand_cells"))
        WHERE local_date >= \(historyFrom) AND local_date < \(from)
        GROUP BY 1, 2)
      SELECT c.category, c.city, c.day, c.capacity, c.mean_years, ct.country, coalesce(h.bookings, 0)
      FROM capacity c
      LEFT JOIN history h USING (category, city)
      JOIN \(schema.table("cities")) ct ON ct.city = c.city
      ORDER BY 1, 2, 3) TO STDOUT WITH (FORMAT csv)
      """)
    let supply = try bandSupply(connection, from: from, through: through)
    var cells: [FutureCell] = []
    try read(connection, query, fields: 7) { record in
      let place = try self.place(record, dateField: 2, countryField: 5, holidays: holidays)
      var cell = FutureCell(
        category: record.string(0)!, city: record.string(1)!, date: place.date,
        capacity: record.finiteDouble(3) ?? 0, meanExperience: record.finiteDouble(4) ?? 0,
        southern: place.southern, holiday: place.holiday, historyBookings: record.finiteDouble(6) ?? 0,
        supply: supply["\(record.string(0)!)|\(record.string(1)!)|\(place.date)"] ?? [])
      cell.events = place.events
      cells.append(cell)
    }
    return cells
  }

  /// The providers of each experience band per priceable category x city and day in [from, through]
  /// (`BandSupply`), keyed `category|city|date`. A provider counts from its onboarding date, once per
  /// category x city however many services it offers there (its list price is their mean).
  func bandSupply(_ connection: Connection, from: LocalDate, through: LocalDate) throws -> [String: [BandSupply]] {
    var query: SQLQuery = """
      COPY (
      WITH offers AS (
        SELECT o.category, o.city, o.provider_id, max(o.weekly_capacity)::float8 AS capacity,
               max(o.experience_years) AS years,
               greatest(coalesce(min(o.onboarded_at)::date, '-infinity'::date), \(from)::date) AS since,
               avg(o.price)::float8 AS price, min(o.currency) AS currency
        FROM (
      """
    query.append(schema.priceableOffers)
    query.append(
      """
      ) o GROUP BY 1, 2, 3),
      banded AS (
        SELECT o.*, b.band FROM offers o
        JOIN \(schema.table("experience_bands")) b
          ON o.years >= b.min_years AND (b.max_years IS NULL OR o.years < b.max_years)
        WHERE o.since <= \(through)::date)
      SELECT o.category, o.city, d::date, o.band, sum(o.capacity) / 7.0,
             sum(o.capacity * o.years::float8) / nullif(sum(o.capacity), 0),
             sum(o.capacity * o.price) / nullif(sum(o.capacity), 0), min(o.currency)
      FROM banded o
      JOIN generate_series(\(from)::date, \(through)::date, interval '1 day') d ON o.since <= d::date
      GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4) TO STDOUT WITH (FORMAT csv)
      """)
    var result: [String: [BandSupply]] = [:]
    try read(connection, query, fields: 8) { record in
      let date = try self.day(record, 2)
      result["\(record.string(0)!)|\(record.string(1)!)|\(date)", default: []].append(
        BandSupply(
          band: record.string(3)!, capacity: record.finiteDouble(4) ?? 0,
          meanExperience: record.finiteDouble(5) ?? 0, listPrice: record.finiteDouble(6), currency: record.string(7)))
    }
    return result
  }

  private func read(_ connection: Connection, _ query: SQLQuery, fields: Int, _ body: (CSVRecord) throws -> Void) throws {
    let reader = try CSVReader(options: .init(nullForUnquotedEmpty: true, expectedFieldCount: fields, sourceName: "cells"))
    try connection.copyOut(query) { chunk in try reader.feed(chunk, body) }
    try reader.finish(body)
  }

  /// A cell's date, whether its city's country is southern and the date a holiday there, and the event
  /// groups in force.
  private func place(_ record: CSVRecord, dateField: Int, countryField: Int, holidays: Set<String>) throws
    -> (date: CalendarDay, southern: Bool, holiday: Bool, events: [String])
  {
    let country = record.string(countryField) ?? ""
    let date = try day(record, dateField)
    return (
      date, Self.southernCountries.contains(country), holidays.contains("\(country)|\(date)"),
      events.groups(country: country, city: record.string(1) ?? "", on: date)
    )
  }

  private func day(_ record: CSVRecord, _ index: Int) throws -> CalendarDay {
    guard let text = record.string(index), let date = LocalDate(iso: text) else {
      throw CSVError(code: .invalidValue, message: "not a date", line: record.line, column: "\(index + 1)")
    }
    return CalendarDay(daysSinceEpoch: date.daysSinceEpoch)
  }
}
