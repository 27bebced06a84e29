import Foundation
import Marketplace
import Postgres
import Testing

@Suite("Market presets: planted structure and its truth (no database)")
struct MarketShapeTests {
  static let today = LocalDate(iso: "2026-06-15")!

  /// The true cells a generator writes (`pricing seed --truth-cells`), keyed category|city|date.
  static func trueCells(_ generator: MarketplaceGenerator) throws -> [String: (expected: Double, slots: Int?)] {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("truth-\(UUID().uuidString).csv").path
    FileManager.default.createFile(atPath: path, contents: nil)
    let handle = try #require(FileHandle(forWritingAtPath: path))
    try generator.writeTrueCells(to: handle)
    try handle.close()
    var cells: [String: (Double, Int?)] = [:]
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst()
    for line in lines {
      let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      cells["\(fields[0])|\(fields[1])|\(fields[2])"] = (Double(fields[3])!, Int(fields[4]))
    }
    return cells
  }

  @Test("the capacity preset never books a day past its slots; the truth keeps the demand above them")
  func capacityBinds() throws {
    let spec = MarketplaceSpec(bookings: 30_000, seed: 3, today: Self.today, plantAnomalies: false, shape: .capacity)
    let generator = MarketplaceGenerator(spec: spec)
    var tables: [SourceTable: [UInt8]] = [:]
    try generator.generateReference { tables[$0, default: []] += $1 }
    try generator.generateFacts { tables[$0, default: []] += $1 }
    let truth = try Self.trueCells(generator)
    // service id -> (category, city); a city's time zone.
    var services: [Int: (String, String)] = [:]
    for row in String(decoding: tables[.services]!, as: UTF8.self).split(separator: "\n") {
      let fields = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      services[Int(fields[0])!] = (fields[2], fields[3])
    }
    let zones = Dictionary(uniqueKeysWithValues: generator.truth().cities.map { ($0.city, $0.time_zone) })
    var booked: [String: Int] = [:]
    for row in String(decoding: tables[.bookings]!, as: UTF8.self).split(separator: "\n") {
      let fields = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      let (category, city) = services[Int(fields[1])!]!
      let scheduled = fields[5]
      let day = LocalDate(iso: scheduled.prefix(10))!
      let seconds = Int(scheduled.dropFirst(11).prefix(2))! * 3600 + Int(scheduled.dropFirst(14).prefix(2))! * 60
      let zone = TimeZone(identifier: zones[city]!)!
      let epoch = Double(day.daysSinceEpoch) * 86_400 + Double(seconds)
      let local = LocalDate(
        daysSinceEpoch: Int(((epoch + Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: epoch)))) / 86_400).rounded(.down)))
      booked["\(category)|\(city)|\(local)", default: 0] += 1
    }
    var soldOut = 0
    for (key, count) in booked {
      let cell = try #require(truth[key], "\(key)")
      let slots = try #require(cell.slots)
      #expect(count <= slots, "\(key): \(count) bookings, \(slots) slots")
      if count == slots { soldOut += 1 }
    }
    #expect(soldOut > booked.count / 10, "\(soldOut) of \(booked.count) booked days sold out")
    // Demand above the slots is in the truth: some days expect more than they can hold.
    #expect(truth.values.contains { $0.expected > Double($0.slots ?? 0) * 1.2 })
  }

  @Test("the seasonal preset plants category weekdays, events and a trend, and its calendar covers them")
  func seasonalStructure() throws {
    let spec = MarketplaceSpec(bookings: 20_000, seed: 4, today: Self.today, plantAnomalies: false, shape: .seasonal)
    let generator = MarketplaceGenerator(spec: spec)
    let truth = try Self.trueCells(generator)
    func expected(_ category: String, _ date: String) -> Double { truth["\(category)|Berlin|\(date)"]!.expected }
    // Filing deadline in Germany (31 July): the three weeks before it against the fortnight after.
    let inside = ["2025-07-22", "2025-07-23", "2025-07-24"].map { expected("tax_consulting", $0) }.reduce(0, +)
    let after = ["2025-08-12", "2025-08-13", "2025-08-14"].map { expected("tax_consulting", $0) }.reduce(0, +)
    #expect(inside / after > 2)
    // Offices are shut on Sundays: 2025-07-20 is a Sunday, 2025-07-17 a Thursday.
    #expect(expected("tax_consulting", "2025-07-20") < 0.1 * expected("tax_consulting", "2025-07-17"))
    // Moving peaks on Saturdays.
    #expect(expected("moving", "2025-07-19") > 1.5 * expected("moving", "2025-07-15"))
    // The calendar the market plants covers the history and two years past its last slot.
    let windows = generator.plantedEvents
    #expect(windows.contains { $0.name == "tax_deadline" && $0.country == "DE" && $0.last.description == "2025-07-31" })
    #expect(windows.contains { $0.name == "christmas_period" && $0.leadIn == 10 })
    #expect(windows.map(\.last).max()! >= spec.lastSlotDate.adding(days: 400))
    #expect(windows.map(\.first).min()! <= spec.firstSlotDate)
    #expect(MarketplaceGenerator(spec: MarketplaceSpec(bookings: 1000, seed: 4, today: Self.today)).plantedEvents.isEmpty)
  }

  @Test("data/events.csv is the calendar the presets plant for the demo's countries, 2022 to 2030")
  func shippedCalendar() throws {
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let shipped = try String(contentsOf: repository.appendingPathComponent("data/events.csv"), encoding: .utf8)
    let expected = MarketEvents.csv(MarketEvents.windows(countries: ["AT", "AU", "CH", "DE", "GB", "US"], years: 2022...2030))
    #expect(shipped == expected)
  }

  @Test("every preset is deterministic for a seed, and classic plants nothing new")
  func deterministic() throws {
    for shape in MarketShape.presets {
      let spec = MarketplaceSpec(bookings: 5_000, seed: 9, today: Self.today, shape: shape)
      var first: [UInt8] = []
      var second: [UInt8] = []
      try MarketplaceGenerator(spec: spec).generateFacts { if $0 == .bookings { first += $1 } }
      try MarketplaceGenerator(spec: spec).generateFacts { if $0 == .bookings { second += $1 } }
      #expect(first == second, "\(shape.name)")
    }
    #expect(MarketShape.preset(named: "classic") == .classic)
    #expect(MarketShape.preset(named: "tropical") == nil)
  }

  @Test("Easter Sunday by the Gregorian computus")
  func easter() {
    #expect(MarketEvents.windows(countries: ["DE"], years: 2024...2027).filter { $0.name == "easter" }.map(\.first.description)
      == ["2024-03-29", "2025-04-18", "2026-04-03", "2027-03-26"])
  }
}
