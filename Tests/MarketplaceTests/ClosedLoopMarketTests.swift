import Foundation
import Marketplace
import Postgres
import Testing

@Suite("The simulated market of pricing simulate (no database)")
struct ClosedLoopMarketTests {
  static let today = LocalDate(iso: "2026-06-15")!
  static let bands = [
    MarketplaceGenerator.BandDefinition(name: "junior", minYears: 0, maxYears: 3),
    MarketplaceGenerator.BandDefinition(name: "experienced", minYears: 3, maxYears: 10),
    MarketplaceGenerator.BandDefinition(name: "senior", minYears: 10, maxYears: nil),
  ]

  /// Bookings per category over `days` simulated days, every price at `multiplier` (for `category` alone
  /// when given, else everywhere).
  static func bookingsByCategory(
    _ generator: MarketplaceGenerator, days: Int, multiplier: Double, category: String? = nil
  ) -> [String: Int] {
    var services: [Int64: String] = [:]
    try? generator.generateReference { table, bytes in
      guard table == .services else { return }
      for row in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
        let fields = row.split(separator: "\t", omittingEmptySubsequences: false)
        services[Int64(fields[0])!] = String(fields[2])
      }
    }
    var counts: [String: Int] = [:]
    var lastBooking: Int64 = 0
    for offset in 0..<days {
      let day = generator.spec.today.adding(days: offset)
      let simulated = generator.simulateBookings(
        on: day, bands: bands, multiplier: { name, _, _, _ in category == nil || name == category ? multiplier : 1 },
        booked: [:], lastBookingID: lastBooking, lastPaymentID: lastBooking)
      lastBooking = simulated.lastBookingID
      for row in String(decoding: simulated.bookingRows, as: UTF8.self).split(separator: "\n") {
        let fields = row.split(separator: "\t", omittingEmptySubsequences: false)
        counts[services[Int64(fields[1])!]!, default: 0] += 1
      }
    }
    return counts
  }

  @Test("demand answers a planted price change by the category's true elasticity")
  func answersPriceByTrueElasticity() throws {
    let spec = MarketplaceSpec(bookings: 400_000, seed: 5, today: Self.today, plantAnomalies: false, shape: .listPrice)
    let generator = MarketplaceGenerator(spec: spec)
    let atList = Self.bookingsByCategory(generator, days: 21, multiplier: 1)
    let raised = Self.bookingsByCategory(generator, days: 21, multiplier: 1.3)
    let truth = Dictionary(uniqueKeysWithValues: generator.truth().categories.map { ($0.category, $0.elasticity) })
    #expect(atList.count == truth.count)
    for (category, count) in atList {
      let expected = pow(1.3, truth[category]!)
      let observed = Double(raised[category] ?? 0) / Double(count)
      // The two runs share the demand noise but not the Poisson draws: about 2 / sqrt(count) apart at most.
      #expect(abs(observed - expected) < 2.5 * expected * (2 / Double(count)).squareRoot(), "\(category): \(observed) against \(expected) (\(count) bookings)")
    }
  }

  @Test("a day's bookings are deterministic for the seed, the day and the prices; another seed books others")
  func deterministic() {
    let spec = MarketplaceSpec(bookings: 50_000, seed: 5, today: Self.today, plantAnomalies: false, shape: .listPrice)
    func day(_ seed: UInt64) -> MarketplaceGenerator.SimulatedBookings {
      var seeded = spec
      seeded.seed = seed
      return MarketplaceGenerator(spec: seeded).simulateBookings(
        on: Self.today.adding(days: 3), bands: Self.bands, multiplier: { _, _, _, _ in 1.1 }, booked: [:],
        lastBookingID: 100, lastPaymentID: 200)
    }
    let first = day(5)
    let again = day(5)
    #expect(first.bookings > 0)
    #expect(first.bookingRows == again.bookingRows)
    #expect(first.paymentRows == again.paymentRows)
    #expect(first.lastBookingID == 100 + Int64(first.bookings))
    #expect(first.lastPaymentID == 200 + Int64(first.bookings))
    #expect(day(6).bookingRows != first.bookingRows)
  }

  @Test("bookings are made during the day, for later days, at the multiplier's price, and paid")
  func rows() throws {
    let spec = MarketplaceSpec(bookings: 50_000, seed: 5, today: Self.today, plantAnomalies: false, shape: .listPrice)
    let generator = MarketplaceGenerator(spec: spec)
    let day = Self.today.adding(days: 2)
    var listPrices: [Int64: Int64] = [:]
    try generator.generateReference { table, bytes in
      guard table == .services else { return }
      for row in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
        let fields = row.split(separator: "\t", omittingEmptySubsequences: false)
        listPrices[Int64(fields[0])!] = Int64((Double(fields[4])! * 100).rounded())
      }
    }
    let simulated = generator.simulateBookings(
      on: day, bands: Self.bands, multiplier: { _, _, _, _ in 1.25 }, booked: [:], lastBookingID: 0, lastPaymentID: 0)
    let opening = ISO8601DateFormatter().date(from: "\(day)T06:00:00Z")!
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.dateFormat = "yyyy-MM-dd HH:mm:ssXXXXX"
    var total = 0.0
    for row in String(decoding: simulated.bookingRows, as: UTF8.self).split(separator: "\n") {
      let fields = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      #expect(fields[3] == "confirmed")
      let booked = try #require(formatter.date(from: fields[4]))
      let scheduled = try #require(formatter.date(from: fields[5]))
      #expect(booked > opening && booked <= opening.addingTimeInterval(86_400))
      #expect(scheduled > booked)
      let price = Int64((Double(fields[6])! * 100).rounded())
      #expect(price == Int64((Double(listPrices[Int64(fields[1])!]!) * 1.25).rounded()))
      total += Double(price) / 100
    }
    #expect(abs(total - simulated.gmvByCurrency.values.reduce(0, +)) < 0.01)
    #expect(String(decoding: simulated.paymentRows, as: UTF8.self).split(separator: "\n").count == simulated.bookings)
  }

  @Test("lead shares: a day's demand is booked over the days before it, within the simulated lead")
  func leadShares() {
    let total = (0..<MarketplaceGenerator.simulatedLeadDays).reduce(0) { $0 + MarketplaceGenerator.leadShare($1) }
    #expect(total > 0.999 && total <= 1)
    #expect(MarketplaceGenerator.leadShare(-1) == 0)
    #expect(MarketplaceGenerator.leadShare(0) > MarketplaceGenerator.leadShare(1))
  }

  @Test("the list-price preset's history is all at list price")
  func listPriceHistory() throws {
    let spec = MarketplaceSpec(bookings: 20_000, seed: 5, today: Self.today, plantAnomalies: false, shape: .listPrice)
    let generator = MarketplaceGenerator(spec: spec)
    var tables: [SourceTable: [UInt8]] = [:]
    try generator.generateReference { tables[$0, default: []] += $1 }
    try generator.generateFacts { tables[$0, default: []] += $1 }
    var listPrices: [String: String] = [:]
    for row in String(decoding: tables[.services]!, as: UTF8.self).split(separator: "\n") {
      let fields = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      listPrices[fields[0]] = fields[4]
    }
    let bookings = String(decoding: tables[.bookings]!, as: UTF8.self).split(separator: "\n")
    #expect(bookings.count > 10_000)
    for row in bookings {
      let fields = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      #expect(fields[6] == listPrices[fields[1]], "\(row)")
    }
    #expect(generator.truth().shape?.list_price_history == true)
  }
}
