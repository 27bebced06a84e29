import Foundation
import Postgres

extension MarketplaceGenerator {
  /// Customer comments: untrusted free text, with markup, quotes, newlines, tabs and non-ASCII on purpose.
  static let comments: [String] = [
    "Great job, very punctual.", "Okay.", "Would book again!", "Arrived late; fixed it though.",
    "Très bien, merci", "Sehr zufrieden – gerne wieder", "<b>Excellent</b> service",
    "He said \"no problem\" and left", "Line one\nline two", "Price was a bit high, but fair", "😀 super",
    "Tab\tseparated\\backslash", "",
  ]

  /// Writes bookings, payments, feedbacks and quotes, day by day; each table's rows go to `emit` in
  /// chunks of about 512 KiB, so memory stays small whatever the size.
  public func generateFacts(_ emit: (SourceTable, [UInt8]) throws -> Void) throws {
    var writer = FactWriter()
    var random = RandomSource.derived(seed: spec.seed, 4)
    let snapshot = spec.snapshotEpochSeconds
    let quoteWindowStart = snapshot - 120 * 86_400
    var bookingID: Int64 = 0
    var failure: Error?

    var browsing = RandomSource.derived(seed: spec.seed, 5)
    let today = spec.today.daysSinceEpoch
    forEachCellDay { cell, dayOffset, day, lambda, _, state in
      guard failure == nil, lambda > 0 else { return }
      let cityIndex = cell % cities.count
      let city = cities[cityIndex]
      let offset = Int64(utcOffsets[cityIndex * dayCount + dayOffset])
      let multiplier = Foundation.exp(logMultipliers[cell * dayCount + dayOffset])
      let customers = customerRanges[cityIndex]
      if day < today {
        // Customers who looked at a price for this day and did not book: the platform logs every price
        // it shows, so the day's multiplier is known even when nobody booked.
        emitBrowsingQuotes(
          &writer, &browsing, state: state, day: day, utcOffset: offset, multiplier: multiplier, customers: customers)
      }
      let drawn = random.poisson(lambda)
      // With a bound capacity a day sells at most its slots; the demand above is lost.
      let count = spec.shape.capacityBound ? min(drawn, Self.daySlots(weekly: state.weeklyCapacity)) : drawn
      guard count > 0 else { return }
      for _ in 0..<count {
        let provider = state.choose(&random)
        let hour = Int64(8 + random.index(12))
        let halfHour = Int64(random.index(2))
        let localStart: Int64 = Int64(day) * 86_400 + hour * 3600 + halfHour * 1800
        let scheduled = localStart - offset
        let lead = Int64(random.exponential(mean: 6 * 86_400)) + 3600
        var booked = scheduled - lead
        guard booked <= snapshot else { continue }
        bookingID += 1
        let customerOffset = Int64(Double(customers.count) * random.uniform() * random.uniform())
        let customer = customers.lowerBound + customerOffset
        let priceCents = Int64((Double(provider.listPriceCents) * multiplier).rounded())
        // Status as of the snapshot.
        var status: String
        var updated: Int64
        if scheduled + 7200 <= snapshot {
          if random.chance(0.11) {
            status = "cancelled"
            updated = booked + Int64(random.uniform() * Double(scheduled - booked))
          } else {
            status = "completed"
            updated = scheduled + 7200
          }
        } else {
          let draw = random.uniform()
          if draw < 0.05 {
            status = "cancelled"
            updated = booked + Int64(random.uniform() * Double(min(scheduled, snapshot) - booked))
          } else if draw < 0.20 {
            status = "pending"
            updated = booked
          } else {
            status = "confirmed"
            updated = booked + 60
          }
        }
        updated = min(updated, snapshot)
        var price: Int64? = priceCents
        var currency = city.currency
        var writtenStatus = status
        if spec.plantAnomalies, random.chance(0.0005) {
          switch random.index(4) {
          case 0: price = nil
          case 1: writtenStatus = "unknown"
          case 2: currency = "EURO"
          default: booked = scheduled + 86_400
          }
        }
        writer.bookings.integer(bookingID)
        writer.bookings.integer(provider.serviceID)
        writer.bookings.integer(customer)
        writer.bookings.raw(writtenStatus)
        writer.bookings.timestamp(epochSeconds: booked)
        writer.bookings.timestamp(epochSeconds: scheduled)
        if let price { writer.bookings.cents(price) } else { writer.bookings.raw(nil) }
        writer.bookings.raw(currency)
        writer.bookings.timestamp(epochSeconds: updated)
        writer.bookings.endRow()
        writer.bookingRows += 1

        emitPayments(
          &writer, &random, bookingID: bookingID, status: status, amount: priceCents, currency: city.currency,
          booked: booked, scheduled: scheduled, updated: updated, snapshot: snapshot)
        if status == "completed", random.chance(0.35) {
          emitFeedback(&writer, &random, bookingID: bookingID, years: provider.years, scheduled: scheduled,
                       snapshot: snapshot)
        }
        if booked >= quoteWindowStart {
          emitQuotes(&writer, &random, provider: provider, customer: customer, customers: customers,
                     booked: booked, scheduled: scheduled, priceCents: priceCents, multiplier: multiplier,
                     bookingID: bookingID)
        }
      }
      do { try writer.flushIfLarge(emit) } catch { failure = error }
    }
    if let failure { throw failure }
    if spec.plantAnomalies {
      // Payments whose booking does not exist (webhook races at the platform).
      for index in 0..<max(1, Int64(spec.bookings) * 3 / 10_000) {
        writer.paymentID += 1
        writer.payments.integer(writer.paymentID)
        writer.payments.integer(bookingID + 1_000_000 + index)
        writer.payments.cents(4_999)
        writer.payments.raw("EUR")
        writer.payments.raw("succeeded")
        writer.payments.cents(0)
        writer.payments.timestamp(epochSeconds: snapshot - 3600 * (index + 1))
        writer.payments.timestamp(epochSeconds: snapshot - 3600 * (index + 1))
        writer.payments.endRow()
        writer.paymentRows += 1
      }
    }
    try writer.flushAll(emit)
    summary.rows[SourceTable.bookings.rawValue] = writer.bookingRows
    summary.rows[SourceTable.payments.rawValue] = writer.paymentRows
    summary.rows[SourceTable.feedbacks.rawValue] = writer.feedbackRows
    summary.rows[SourceTable.quotes.rawValue] = writer.quoteRows
  }

  // MARK: - Payments, feedback, quotes

  private func emitPayments(
    _ writer: inout FactWriter, _ random: inout RandomSource, bookingID: Int64, status: String, amount: Int64,
    currency: String, booked: Int64, scheduled: Int64, updated: Int64, snapshot: Int64
  ) {
    func payment(_ status: String, refunded: Int64, created: Int64, changed: Int64, currency: String = currency) {
      writer.paymentID += 1
      writer.payments.integer(writer.paymentID)
      writer.payments.integer(bookingID)
      writer.payments.cents(amount)
      writer.payments.raw(currency)
      writer.payments.raw(status)
      writer.payments.cents(refunded)
      writer.payments.timestamp(epochSeconds: min(created, snapshot))
      writer.payments.timestamp(epochSeconds: min(max(created, changed), snapshot))
      writer.payments.endRow()
      writer.paymentRows += 1
    }
    let anomalies = spec.plantAnomalies
    let paid = booked + 120
    switch status {
    case "completed":
      if anomalies, random.chance(0.002) { return }  // completed but never paid
      if random.chance(0.06) { payment("failed", refunded: 0, created: booked + 60, changed: booked + 60) }
      let draw = random.uniform()
      let refundTime = scheduled + Int64(random.uniform(1, 10) * 86_400)
      var paymentCurrency = currency
      if anomalies, random.chance(0.0002) { paymentCurrency = currency == "USD" ? "EUR" : "USD" }
      if draw < 0.04 {
        var refunded = Int64((Double(amount) * random.uniform(0.1, 0.5)).rounded())
        if anomalies, random.chance(0.003) { refunded = amount + 500 }  // refunded above the amount
        payment("partially_refunded", refunded: refunded, created: paid, changed: refundTime, currency: paymentCurrency)
      } else if draw < 0.05 {
        payment("refunded", refunded: amount, created: paid, changed: refundTime, currency: paymentCurrency)
      } else {
        payment("succeeded", refunded: 0, created: paid, changed: paid, currency: paymentCurrency)
        if anomalies, random.chance(0.001) {
          payment("succeeded", refunded: 0, created: paid + 30, changed: paid + 30)  // charged twice
        }
      }
    case "cancelled":
      guard random.chance(0.7) else { return }
      if anomalies, random.chance(0.01) {
        payment("succeeded", refunded: 0, created: paid, changed: paid)  // cancelled, paid, never refunded
      } else {
        payment("refunded", refunded: amount, created: paid, changed: updated)
      }
    case "confirmed":
      if random.chance(0.9) {
        payment("succeeded", refunded: 0, created: paid, changed: paid)
      } else {
        payment("pending", refunded: 0, created: paid, changed: paid)
      }
    default:  // pending
      if random.chance(0.5) { payment("pending", refunded: 0, created: paid, changed: paid) }
    }
  }

  private func emitFeedback(
    _ writer: inout FactWriter, _ random: inout RandomSource, bookingID: Int64, years: Double, scheduled: Int64,
    snapshot: Int64
  ) {
    let created = scheduled + Int64(random.uniform(3 * 3600, 5 * 86_400))
    let mean = min(4.7, 3.5 + 0.07 * years)
    var rating = Int64(max(1, min(5, (mean + random.normal() * 0.8).rounded())))
    if spec.plantAnomalies, random.chance(0.0005) { rating = random.chance(0.5) ? 0 : 6 }
    let comment: String? = random.chance(0.5) ? Self.comments[random.index(Self.comments.count)] : nil
    guard created <= snapshot else { return }
    writer.feedbackID += 1
    writer.feedbacks.integer(writer.feedbackID)
    writer.feedbacks.integer(bookingID)
    writer.feedbacks.integer(rating)
    writer.feedbacks.field(comment)
    writer.feedbacks.timestamp(epochSeconds: created)
    writer.feedbacks.endRow()
    writer.feedbackRows += 1
  }

  /// About three unconverted quotes per category x city x past day, at the day's multiplier.
  private func emitBrowsingQuotes(
    _ writer: inout FactWriter, _ random: inout RandomSource, state: CellState, day: Int, utcOffset: Int64,
    multiplier: Double, customers: Range<Int64>
  ) {
    let count = random.poisson(3)
    for _ in 0..<count {
      let provider = state.choose(&random)
      let scheduled = Int64(day) * 86_400 + 12 * 3600 - utcOffset
      writer.quoteID += 1
      writer.quotes.integer(writer.quoteID)
      writer.quotes.integer(provider.serviceID)
      writer.quotes.integer(customers.lowerBound + Int64(random.index(customers.count)))
      writer.quotes.timestamp(epochSeconds: scheduled - Int64(3600 + random.index(5 * 86_400)))
      writer.quotes.timestamp(epochSeconds: scheduled)
      writer.quotes.cents(Int64((Double(provider.listPriceCents) * multiplier).rounded()))
      writer.quotes.raw(String(format: "%.4f", multiplier))
      writer.quotes.raw(nil)
      writer.quotes.raw(nil)
      writer.quotes.endRow()
      writer.quoteRows += 1
    }
  }

  private func emitQuotes(
    _ writer: inout FactWriter, _ random: inout RandomSource, provider: ProviderPlan, customer: Int64,
    customers: Range<Int64>, booked: Int64, scheduled: Int64, priceCents: Int64, multiplier: Double,
    bookingID: Int64
  ) {
    let unconverted = random.poisson(1.5)
    for index in 0...unconverted {
      let converted = index == 0
      writer.quoteID += 1
      writer.quotes.integer(writer.quoteID)
      writer.quotes.integer(provider.serviceID)
      writer.quotes.integer(converted ? customer : customers.lowerBound + Int64(random.index(customers.count)))
      writer.quotes.timestamp(epochSeconds: booked - Int64(60 + random.index(3600)))
      writer.quotes.timestamp(epochSeconds: scheduled)
      writer.quotes.cents(priceCents)
      writer.quotes.raw(String(format: "%.4f", multiplier))
      writer.quotes.raw(nil)
      if converted { writer.quotes.integer(bookingID) } else { writer.quotes.raw(nil) }
      writer.quotes.endRow()
      writer.quoteRows += 1
    }
  }
}

/// The four fact streams being written, with their ids and row counts.
struct FactWriter {
  var bookings = CopyTextEncoder()
  var payments = CopyTextEncoder()
  var feedbacks = CopyTextEncoder()
  var quotes = CopyTextEncoder()
  var paymentID: Int64 = 0
  var feedbackID: Int64 = 0
  var quoteID: Int64 = 0
  var bookingRows = 0
  var paymentRows = 0
  var feedbackRows = 0
  var quoteRows = 0

  mutating func flushIfLarge(_ emit: (SourceTable, [UInt8]) throws -> Void) throws {
    let limit = 1 << 19
    if bookings.bytes.count > limit { try emit(.bookings, bookings.bytes); bookings.reset() }
    if payments.bytes.count > limit { try emit(.payments, payments.bytes); payments.reset() }
    if feedbacks.bytes.count > limit { try emit(.feedbacks, feedbacks.bytes); feedbacks.reset() }
    if quotes.bytes.count > limit { try emit(.quotes, quotes.bytes); quotes.reset() }
  }

  mutating func flushAll(_ emit: (SourceTable, [UInt8]) throws -> Void) throws {
    if !bookings.bytes.isEmpty { try emit(.bookings, bookings.bytes); bookings.reset() }
    if !payments.bytes.isEmpty { try emit(.payments, payments.bytes); payments.reset() }
    if !feedbacks.bytes.isEmpty { try emit(.feedbacks, feedbacks.bytes); feedbacks.reset() }
    if !quotes.bytes.isEmpty { try emit(.quotes, quotes.bytes); quotes.reset() }
  }
}
