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

  @Test("cancelled bookings count as demand: all cancelled gives the same cells")
  func allCancelled() throws {
    let range = (LocalDate(iso: "2024-03-01")!, LocalDate(iso: "2024-03-07")!)
    let (completed, schema) = try Self.warehouse(status: "completed")
    let (cancelled, _) = try Self.warehouse(status: "cancelled")
    let a = try CellQueries(schema: schema).historyCells(completed, from: range.0, through: range.1, holidays: [])
    let b = try CellQueries(schema: schema).historyCells(cancelled, from: range.0, through: range.1, holidays: [])
    #expect(a == b)
  }
}
