import Foundation
import Postgres

extension MarketplaceGenerator {
  /// The bookings and payments a seeded market adds on one simulated day (`pricing simulate`), answering
  /// the multipliers in force that day, as COPY text rows of the source contract.
  public struct SimulatedBookings: Sendable {
    public var bookings = 0
    /// Money charged, per currency.
    public var gmvByCurrency: [String: Double] = [:]
    public var bookingRows: [UInt8] = []
    public var paymentRows: [UInt8] = []
    public var lastBookingID: Int64
    public var lastPaymentID: Int64
  }

  /// Days ahead a simulated booking can be made for (the lead time's tail beyond is below 0.1%).
  public static let simulatedLeadDays = 42
  /// The mean lead time, in days (as the seeded history's).
  static let meanLeadDays = 6.0

  /// The share of a service day's demand booked on the day `k` days before the day before it (k = 0: the
  /// day before): lead times are exponential with `meanLeadDays`, counted in whole days.
  public static func leadShare(_ k: Int) -> Double {
    k < 0 ? 0 : Foundation.exp(-Double(k) / meanLeadDays) * (1 - Foundation.exp(-1 / meanLeadDays))
  }

  /// The bookings made during simulated `day` (from its 06:00 UTC snapshot to the next), for service days
  /// `day` + 1 ... + `simulatedLeadDays`.
  ///
  /// For each category x city x band and service day s, the count is Poisson with mean: the band's true
  /// demand at list price (`trueBandCells`) x the day's demand noise (drawn from the seed, the cell and s
  /// alone, so every booking day sees the same s) x m^e (m the multiplier `multiplier` gives for the band and
  /// s, e the category's true elasticity) x `leadShare(s - day - 1)`. A bound capacity caps a cell's
  /// bookings of s at its slots, counting `booked[category|city|s]` made before. Each booking goes to a
  /// provider of the band, as customers choose them; it is `confirmed`, charged list price x m, and paid
  /// (one `succeeded` payment). Deterministic for the seed, the day and the multipliers.
  public func simulateBookings(
    on day: LocalDate, bands: [BandDefinition], multiplier: (String, String, String, LocalDate) -> Double,
    booked: [String: Int], lastBookingID: Int64, lastPaymentID: Int64
  ) -> SimulatedBookings {
    var result = SimulatedBookings(lastBookingID: lastBookingID, lastPaymentID: lastPaymentID)
    var bookingRows = CopyTextEncoder()
    var paymentRows = CopyTextEncoder()
    var random = RandomSource.derived(seed: spec.seed, 0x5107, UInt64(bitPattern: Int64(day.daysSinceEpoch)))
    let gamma = MarketplaceCatalog.experienceEffectPerYear
    let opening = Int64(day.daysSinceEpoch) * 86_400 + 6 * 3600
    let sigma = spec.shape.dailyNoise
    var zones: [String: TimeZone] = [:]
    for serviceDay in (day.daysSinceEpoch + 1)...(day.daysSinceEpoch + Self.simulatedLeadDays) {
      let date = LocalDate(daysSinceEpoch: serviceDay)
      let share = Self.leadShare(serviceDay - day.daysSinceEpoch - 1)
      let truth = trueBandCells(from: date, through: date, bands: bands)
      var index = 0
      for (categoryIndex, category) in categories.enumerated() {
        for (cityIndex, city) in cities.enumerated() {
          let cellTruth = truth[index..<(index + bands.count)]
          index += bands.count
          let active = providersByCell[cellIndex(category: categoryIndex, city: cityIndex)].filter {
            $0.status == "active" && ($0.onboardDay.map { $0 <= serviceDay } ?? false)
          }
          guard !active.isEmpty else { continue }
          var noise = 1.0
          if sigma > 0 {
            var draw = RandomSource.derived(
              seed: spec.seed, 0x5109, UInt64(cellIndex(category: categoryIndex, city: cityIndex)),
              UInt64(bitPattern: Int64(serviceDay)))
            noise = Foundation.exp(sigma * draw.normal() - sigma * sigma / 2)
          }
          let key = "\(category.name)|\(city.name)|\(date)"
          var room =
            spec.shape.capacityBound
            ? Self.daySlots(weekly: active.reduce(0) { $0 + $1.weeklyCapacity }) - (booked[key] ?? 0) : Int.max
          let zone = zones[city.timeZone] ?? TimeZone(identifier: city.timeZone) ?? TimeZone(secondsFromGMT: 0)!
          zones[city.timeZone] = zone
          let noon = Date(timeIntervalSince1970: Double(serviceDay) * 86_400 + 12 * 3600)
          let offset = Int64(zone.secondsFromGMT(for: noon))
          for (band, bandTruth) in zip(bands, cellTruth) {
            let members = active.filter { band.contains($0.years) }
            guard !members.isEmpty, bandTruth.demand > 0, room > 0 else { continue }
            let m = multiplier(category.name, city.name, band.name, date)
            let lambda = bandTruth.demand * noise * Foundation.pow(m, category.elasticity) * share
            let count = min(random.poisson(lambda), room)
            guard count > 0 else { continue }
            if room != Int.max { room -= count }
            var cumulative: [Double] = []
            var total = 0.0
            for member in members {
              total += Double(member.weeklyCapacity) * Foundation.exp(gamma * member.years)
              cumulative.append(total)
            }
            for _ in 0..<count {
              let target = random.uniform() * total
              let provider = members[cumulative.firstIndex { $0 > target } ?? (members.count - 1)]
              let localStart = Int64(serviceDay) * 86_400 + Int64(8 + random.index(12)) * 3600 + Int64(random.index(2)) * 1800
              let scheduled = localStart - offset
              let window = min(86_400, scheduled - 3600 - opening)
              let customers = customerRanges[cityIndex]
              let customer = customers.lowerBound + Int64(random.index(customers.count))
              guard window > 0 else { continue }
              let bookedAt = opening + 1 + Int64(random.uniform() * Double(window - 1))
              let price = Int64((Double(provider.listPriceCents) * m).rounded())
              result.lastBookingID += 1
              result.lastPaymentID += 1
              result.bookings += 1
              result.gmvByCurrency[city.currency, default: 0] += Double(price) / 100
              bookingRows.integer(result.lastBookingID)
              bookingRows.integer(provider.serviceID)
              bookingRows.integer(customer)
              bookingRows.raw("confirmed")
              bookingRows.timestamp(epochSeconds: bookedAt)
              bookingRows.timestamp(epochSeconds: scheduled)
              bookingRows.cents(price)
              bookingRows.raw(city.currency)
              bookingRows.timestamp(epochSeconds: bookedAt + 60)
              bookingRows.endRow()
              paymentRows.integer(result.lastPaymentID)
              paymentRows.integer(result.lastBookingID)
              paymentRows.cents(price)
              paymentRows.raw(city.currency)
              paymentRows.raw("succeeded")
              paymentRows.cents(0)
              paymentRows.timestamp(epochSeconds: bookedAt + 120)
              paymentRows.timestamp(epochSeconds: bookedAt + 120)
              paymentRows.endRow()
            }
          }
        }
      }
    }
    result.bookingRows = bookingRows.bytes
    result.paymentRows = paymentRows.bytes
    return result
  }
}
