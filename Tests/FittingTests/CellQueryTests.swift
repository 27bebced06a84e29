import Foundation
import Postgres
import PricingModel
import TestSupport
import Testing
import Warehouse

@testable import Fitting

@Suite("Demand cells from the warehouse")
struct CellQueryTests {
  /// A warehouse with one category x city, one provider and a few bookings in a given status.
  static func warehouse(status: String) throws -> (Connection, WarehouseSchema) {
    let (_, connection) = try TestDatabase.connect(label: "cells")
    let schema = try WarehouseSchema()
    try Migrator(schema: schema, logger: TestDatabase.quietLogger).migrate(connection)
    try connection.execute(
      """
      INSERT INTO pricing.cities VALUES ('Berlin', 'Europe/Berlin', 'DE', 1);
      INSERT INTO pricing.providers VALUES (1, 4.0, 14, 'active', '2024-01-01', '2024-01-01', 1);
      INSERT INTO pricing.services VALUES (10, 't', 'cleaning', 'Berlin', 50, 'EUR', 1, true, now(), now(), 1);
      INSERT INTO pricing.booking_facts (booking_id, service_id, user_id, provider_id, category, city, status,
        booking_time, scheduled_for, local_date, local_weekday, experience_years, list_price, charged_price,
        price_ratio, currency, run_id)
      SELECT g, 10, 2, 1, 'cleaning', 'Berlin', '\(status)', '2024-03-01', '2024-03-05 10:00+01', '2024-03-05', 2, 4,
             50, 55, 1.1, 'EUR', 1 FROM generate_series(1, 3) g;
      INSERT INTO pricing.demand_cells VALUES ('cleaning', 'Berlin', '2024-03-05', 3, 3 * ln(1.1), 0, 0, 1);
      """)
    return (connection, schema)
  }

  @Test("every day is a cell, zero bookings included; capacity, experience and price come along")
  func cells() throws {
    let (connection, schema) = try Self.warehouse(status: "completed")
    let cells = try CellQueries(schema: schema).historyCells(
      connection, from: LocalDate(iso: "2024-03-01")!, through: LocalDate(iso: "2024-03-07")!, holidays: ["DE|2024-03-05"])
    #expect(cells.count == 7)
    let busy = try #require(cells.first { $0.date.description == "2024-03-05" })
    #expect(busy.bookings == 3)
    #expect(busy.capacity == 2)
    #expect(busy.meanExperience == 4)
    #expect(abs(busy.logPriceRatio! - log(1.1)) < 1e-12)
    #expect(busy.holiday)
    #expect(!busy.southern)
    #expect(cells.filter { $0.bookings == 0 }.count == 6)
  }

  @Test("a day without bookings takes its price from the quotes shown that day")
  func quotePrice() throws {
    let (connection, schema) = try Self.warehouse(status: "completed")
    try connection.execute(
      "INSERT INTO pricing.demand_cells VALUES ('cleaning', 'Berlin', '2024-03-06', 0, 0, 2, 2 * ln(0.9), 1)")
    let cells = try CellQueries(schema: schema).historyCells(
      connection, from: LocalDate(iso: "2024-03-06")!, through: LocalDate(iso: "2024-03-07")!, holidays: [])
    #expect(cells.count == 2)
    #expect(abs(cells[0].logPriceRatio! - log(0.9)) < 1e-12)
    #expect(cells[0].bookings == 0)
    #expect(cells[1].logPriceRatio == nil)
  }
}
