import Foundation
import Marketplace
import Postgres
import Testing

@Suite("Synthetic marketplace generator (no database)")
struct MarketplaceGeneratorTests {
  static let today = LocalDate(iso: "2026-06-15")!

  /// All bytes per table, plus a digest.
  static func generate(_ spec: MarketplaceSpec) throws -> (tables: [SourceTable: [UInt8]], generator: MarketplaceGenerator) {
    let generator = MarketplaceGenerator(spec: spec)
    var tables: [SourceTable: [UInt8]] = [:]
    try generator.generateReference { tables[$0, default: []] += $1 }
    try generator.generateFacts { tables[$0, default: []] += $1 }
    return (tables, generator)
  }

  @Test("the same seed gives the same bytes; another seed does not")
  func deterministic() throws {
    let spec = MarketplaceSpec(bookings: 20_000, seed: 7, today: Self.today)
    let first = try Self.generate(spec).tables
    let second = try Self.generate(spec).tables
    #expect(first == second)
    let other = try Self.generate(MarketplaceSpec(bookings: 20_000, seed: 8, today: Self.today)).tables
    #expect(other[.bookings] != first[.bookings])
  }

  @Test("the booking count is close to the request", arguments: [20_000, 50_000, 200_000])
  func bookingCount(requested: Int) throws {
    let generator = try Self.generate(MarketplaceSpec(bookings: requested, seed: 1, today: Self.today)).generator
    let generated = Double(generator.summary.bookings)
    #expect(abs(generated / Double(requested) - 1) < 0.1)
  }

  @Test("a tiny request is held up by the floor of one provider with one weekly slot per category x city")
  func floor() throws {
    let generator = try Self.generate(MarketplaceSpec(bookings: 100, seed: 1, today: Self.today)).generator
    #expect(generator.summary.bookings > 5_000)
    #expect(generator.summary.bookings < 15_000)
  }

  @Test("the truth describes at least 10 categories, 15 cities in 3 time zones, and the peak months")
  func truth() throws {
    let generator = try Self.generate(MarketplaceSpec(bookings: 5_000, seed: 1, today: Self.today)).generator
    let truth = generator.truth()
    #expect(truth.elasticities.count >= 10)
    #expect(truth.elasticities.allSatisfy { $0.estimate < 0 })
    #expect(truth.cities.count >= 15)
    #expect(Set(truth.cities.map(\.time_zone)).count >= 3)
    #expect(truth.cities.contains { $0.southern })
    let peaks = Dictionary(uniqueKeysWithValues: truth.categories.map { ($0.category, $0) })
    #expect(peaks["moving"]?.peak_month_north == 7)
    #expect(peaks["moving"]?.peak_month_south == 1)
    #expect(peaks["tax_consulting"]?.peak_month_north == 4)
    #expect(peaks["tax_consulting"]?.peak_month_south == 4)  // not weather-driven
    #expect(peaks["gardening"]?.peak_month_north == 5)
    #expect(truth.bookings_generated == generator.summary.bookings)
    let encoded = try JSONEncoder().encode(truth)
    #expect(try JSONDecoder().decode(MarketplaceTruth.self, from: encoded) == truth)
  }

  @Test("rows are well-formed COPY text: the contract's column count on every line")
  func wellFormed() throws {
    let tables = try Self.generate(MarketplaceSpec(bookings: 5_000, seed: 3, today: Self.today)).tables
    for table in SourceTable.allCases {
      let text = String(decoding: tables[table] ?? [], as: UTF8.self)
      let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
      #expect(!lines.isEmpty, "\(table) has rows")
      for line in lines {
        #expect(line.split(separator: "\t", omittingEmptySubsequences: false).count == table.columns.count)
      }
    }
  }

  @Test("the embedded source schema is data/sql/source_schema.sql, byte for byte")
  func embeddedSchema() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let file = try String(contentsOf: root.appendingPathComponent("data/sql/source_schema.sql"), encoding: .utf8)
    #expect(SourceSchema.sql == file)
  }
}
