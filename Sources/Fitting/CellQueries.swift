import CSV
import Foundation
import Postgres
import PricingModel
import Warehouse

/// The demand cells, aggregated in the warehouse and read through COPY and the CSV module.
///
/// A cell is (category, city, local date) for every category x city with an active service and every
/// day of the window, bookings or not (zero demand is information). Capacity: the weekly capacity / 7 of
/// the active providers of active services there, counted from their onboarding date. Price: the mean log
/// of charged / list price of the day's bookings, else of the multipliers of the prices shown in quotes
/// for that day, else unknown.
struct CellQueries {
  let schema: WarehouseSchema

  /// Countries in the southern hemisphere, whose weather seasons are reversed.
  static let southernCountries: Set<String> = [
    "AU", "NZ", "ZA", "AR", "CL", "UY", "PY", "BO", "BR", "PE", "NA", "BW", "ZW", "MZ", "MG", "LS", "SZ", "FJ", "PG",
  ]

  private func capacitySQL(from: LocalDate, through: LocalDate) -> SQLQuery {
    let services = schema.table("services")
    let providers = schema.table("providers")
    return """
      WITH active AS (
        SELECT DISTINCT s.category, s.city, p.provider_id, p.weekly_capacity, p.experience_years,
               coalesce(p.onboarded_at::date, '-infinity'::date) AS since
        FROM \(services) s JOIN \(providers) p ON p.provider_id = s.provider_id
        WHERE s.active AND p.status = 'active' AND NOT s.source_deleted AND NOT p.source_deleted),
      pairs AS (SELECT DISTINCT category, city FROM active),
      days AS (SELECT d::date AS day FROM generate_series(\(from)::date, \(through)::date, interval '1 day') d)
      SELECT pairs.category, pairs.city, days.day,
             coalesce(sum(a.weekly_capacity) / 7.0, 0)::float8 AS capacity,
             coalesce(sum(a.weekly_capacity * a.experience_years) / nullif(sum(a.weekly_capacity), 0), 0)::float8 AS mean_years
      FROM pairs CROSS JOIN days
      LEFT JOIN active a ON a.category = pairs.category AND a.city = pairs.city AND a.since <= days.day
      GROUP BY 1, 2, 3
      """
  }

  /// Historical cells in [from, through].
  func historyCells(_ connection: Connection, from: LocalDate, through: LocalDate, holidays: Set<String>) throws
    -> [DemandCell]
  {
    var query: SQLQuery = "COPY (WITH capacity AS MATERIALIZED ("
    query.append(capacitySQL(from: from, through: through))
    query.append(
      """
      ), bookings AS MATERIALIZED (
        SELECT category, city, local_date AS day, count(*)::float8 AS bookings, avg(ln(price_ratio::float8)) AS log_ratio
        FROM \(schema.table("booking_facts"))
        WHERE NOT source_deleted AND local_date BETWEEN \(from) AND \(through)
        GROUP BY 1, 2, 3),
      quotes AS MATERIALIZED (
        SELECT s.category, s.city, (q.scheduled_for AT TIME ZONE ct.time_zone)::date AS day,
               avg(ln(q.multiplier::float8)) AS log_ratio
        FROM \(schema.table("quote_facts")) q
        JOIN \(schema.table("services")) s ON s.service_id = q.service_id
        JOIN \(schema.table("cities")) ct ON ct.city = s.city
        WHERE NOT q.source_deleted AND q.scheduled_for IS NOT NULL AND q.multiplier > 0
          AND q.scheduled_for >= \(from)::timestamptz - interval '1 day'
          AND q.scheduled_for < \(through)::timestamptz + interval '2 days'
        GROUP BY 1, 2, 3)
      SELECT c.category, c.city, c.day, coalesce(b.bookings, 0), c.capacity, c.mean_years,
             coalesce(b.log_ratio, q.log_ratio), ct.country
      FROM capacity c
      LEFT JOIN bookings b USING (category, city, day)
      LEFT JOIN quotes q USING (category, city, day)
      JOIN \(schema.table("cities")) ct ON ct.city = c.city
      ORDER BY 1, 2, 3) TO STDOUT WITH (FORMAT csv)
      """)
    var cells: [DemandCell] = []
    try read(connection, query, fields: 8) { record in
      let country = record.string(7) ?? ""
      let date = try day(record, 2)
      cells.append(
        DemandCell(
          category: record.string(0)!, city: record.string(1)!, date: date, bookings: record.finiteDouble(3) ?? 0,
          capacity: record.finiteDouble(4) ?? 0, meanExperience: record.finiteDouble(5) ?? 0,
          logPriceRatio: record.finiteDouble(6), southern: Self.southernCountries.contains(country),
          holiday: holidays.contains("\(country)|\(date)")))
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
        SELECT category, city, count(*)::float8 AS bookings FROM \(schema.table("booking_facts"))
        WHERE NOT source_deleted AND local_date >= \(historyFrom) AND local_date < \(from)
        GROUP BY 1, 2)
      SELECT c.category, c.city, c.day, c.capacity, c.mean_years, ct.country, coalesce(h.bookings, 0)
      FROM capacity c
      LEFT JOIN history h USING (category, city)
      JOIN \(schema.table("cities")) ct ON ct.city = c.city
      ORDER BY 1, 2, 3) TO STDOUT WITH (FORMAT csv)
      """)
    var cells: [FutureCell] = []
    try read(connection, query, fields: 7) { record in
      let country = record.string(5) ?? ""
      let date = try day(record, 2)
      cells.append(
        FutureCell(
          category: record.string(0)!, city: record.string(1)!, date: date, capacity: record.finiteDouble(3) ?? 0,
          meanExperience: record.finiteDouble(4) ?? 0, southern: Self.southernCountries.contains(country),
          holiday: holidays.contains("\(country)|\(date)"), historyBookings: record.finiteDouble(6) ?? 0))
    }
    return cells
  }

  private func read(_ connection: Connection, _ query: SQLQuery, fields: Int, _ body: (CSVRecord) throws -> Void) throws {
    let reader = try CSVReader(options: .init(nullForUnquotedEmpty: true, expectedFieldCount: fields, sourceName: "cells"))
    try connection.copyOut(query) { chunk in try reader.feed(chunk, body) }
    try reader.finish(body)
  }

  private func day(_ record: CSVRecord, _ index: Int) throws -> CalendarDay {
    guard let text = record.string(index), let date = LocalDate(iso: text) else {
      throw CSVError(code: .invalidValue, message: "not a date", line: record.line, column: "\(index + 1)")
    }
    return CalendarDay(daysSinceEpoch: date.daysSinceEpoch)
  }
}
