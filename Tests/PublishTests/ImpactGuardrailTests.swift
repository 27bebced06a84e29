import Foundation
import Postgres
@testable import Publish
import TestSupport
import Testing
import Warehouse

extension PublishFixture {
  /// Gives every candidate of `run` the factors of a band with `demand` bookings at list price, `capacity`
  /// slots, elasticity `elasticity` and list price `price` in `currency`.
  func giveFactors(
    run: Int64, demand: Double, capacity: Double, elasticity: Double, price: Double, currency: String = "EUR"
  ) throws {
    try connection.query(
      """
      INSERT INTO pricing.candidate_factors (run_id, category, city, experience_band, valid_on, factors)
      SELECT run_id, category, city, experience_band, valid_on,
             json_build_object('band_demand', \(demand)::float8, 'band_capacity', \(capacity)::float8,
                               'elasticity', \(elasticity)::float8, 'elasticity_se', 0.05,
                               'list_price', \(price)::float8, 'currency', \(currency)::text)
      FROM pricing.candidate_multipliers WHERE run_id = \(run)
      """)
  }
}

@Suite("The impact guardrail: expected GMV and bookings against flat and current prices")
struct ImpactGuardrailTests {
  /// 36 cells (2 categories x 2 cities x 3 bands x 3 days).
  let cells = 36.0

  @Test("the totals equal a hand computation: served = min(demand x m^e, capacity), GMV = price x m x served")
  func handComputation() throws {
    let fixture = try PublishFixture()
    let run = try fixture.run { _, _, _, _ in "1.2000" }
    try fixture.giveFactors(run: run, demand: 8, capacity: 10, elasticity: -0.5, price: 50)
    let totals = try fixture.publisher.impactTotals(run: run, against: nil)
    #expect(totals.count == 1)
    let total = try #require(totals.first)
    let served = 8 * pow(1.2, -0.5)  // 7.303, under the capacity of 10
    #expect(total.currency == "EUR")
    #expect(abs(total.gmv - cells * 50 * 1.2 * served) < 1e-6)
    #expect(abs(total.gmvFlat - cells * 50 * 8) < 1e-6)
    #expect(abs(total.bookings - cells * served) < 1e-9)
    #expect(total.gmvCurrent == nil)
    // Capacity binds: demand 14 at 1.2 is 12.78 > 10 slots; served 10.
    let tight = try fixture.run { _, _, _, _ in "1.2000" }
    try fixture.giveFactors(run: tight, demand: 14, capacity: 10, elasticity: -0.5, price: 50)
    let bound = try #require(try fixture.publisher.impactTotals(run: tight, against: run).first)
    #expect(abs(bound.gmv - cells * 50 * 1.2 * 10) < 1e-6)
    #expect(abs(bound.gmvFlat - cells * 50 * 10) < 1e-6)
    // Against the first run's table (1.2 everywhere), the same as the candidate.
    #expect(abs((bound.gmvCurrent ?? 0) - bound.gmv) < 1e-6)
  }

  @Test("a table that loses money against flat prices is refused; one that earns passes; --force overrides")
  func refusesLosses() throws {
    let fixture = try PublishFixture()
    // Elastic demand with loose capacity: a 30% rise loses 1 - 1.3^(-1) = 23% of GMV.
    let losing = try fixture.run { _, _, _, _ in "1.3000" }
    try fixture.giveFactors(run: losing, demand: 5, capacity: 10, elasticity: -2, price: 50)
    let refused = try fixture.publisher.publish(runID: losing, dryRun: true, force: false, actor: "test")
    #expect(refused.action == "reject")
    let check = try #require(refused.checks.first { $0.name == "impact" })
    #expect(!check.passed && check.overridable)
    // Bookings fall to 1.3^-2 = 59% of flat prices' as well.
    #expect(
      check.detail
        == "EUR GMV -23.08% against flat prices; EUR bookings -40.83% against flat prices (limits: GMV -0.50%, bookings -25.0%)")
    #expect(throws: PublishError.self) {
      try fixture.publisher.publish(runID: losing, dryRun: false, force: false, actor: "test")
    }
    let recorded = try fixture.connection.query(
      """
      SELECT g->>'detail' FROM pricing.publish_events, jsonb_array_elements(guardrails) g
      WHERE action = 'reject' AND g->>'name' = 'impact'
      """
    ).scalar(String.self)
    #expect(recorded == check.detail)
    // Inelastic demand: a 10% rise earns 1.1^0.5 - 1 = +4.88%, bookings -4.7%.
    let earning = try fixture.run { _, _, _, _ in "1.1000" }
    try fixture.giveFactors(run: earning, demand: 5, capacity: 10, elasticity: -0.5, price: 50)
    let published = try fixture.publisher.publish(runID: earning, dryRun: false, force: false, actor: "test")
    #expect(published.action == "publish")
    #expect(
      published.checks.first { $0.name == "impact" }?.detail
        == "EUR: GMV +4.88% against flat, bookings -4.65% (limits: GMV -0.50%, bookings -25.0%)")
    let forced = try fixture.publisher.publish(runID: losing, dryRun: true, force: true, actor: "test")
    #expect(forced.action == "publish")
  }

  @Test("against the current table: a GMV loss or a fall of bookings beyond the limit is refused")
  func againstCurrent() throws {
    let fixture = try PublishFixture()
    let first = try fixture.run { _, _, _, _ in "1.1000" }
    try fixture.giveFactors(run: first, demand: 5, capacity: 10, elasticity: -0.5, price: 50)
    _ = try fixture.publisher.publish(runID: first, dryRun: false, force: false, actor: "test")
    // Back to flat prices: above flat's GMV by nothing, below the current table's by 1 - 1/1.1^0.5 = 4.65%.
    // (The drift guardrail refuses it too: a move of 9% with a 10% limit passes the share, not the mean.)
    let flat = try fixture.run { _, _, _, _ in "1.0000" }
    try fixture.giveFactors(run: flat, demand: 5, capacity: 10, elasticity: -0.5, price: 50)
    let outcome = try fixture.publisher.publish(runID: flat, dryRun: true, force: false, actor: "test")
    let check = try #require(outcome.checks.first { $0.name == "impact" })
    #expect(!check.passed)
    #expect(check.detail == "EUR GMV -4.65% against the current prices (limits: GMV -0.50%, bookings -25.0%)")
    // Bookings: an inelastic rise of 50% earns GMV (1.5^0.3 - 1 = +12.9%) but loses 1 - 1.5^-0.7 = 24.7% of
    // bookings against flat prices and 1 - (1.5 / 1.1)^-0.7 = 19.5% against the current 1.1 (the candidate's
    // model judges both tables): within the default 25%; with a 15% limit it is refused.
    let steep = try fixture.run { _, _, _, _ in "1.5000" }
    try fixture.giveFactors(run: steep, demand: 5, capacity: 10, elasticity: -0.7, price: 50)
    var strict = fixture.publisher
    strict.settings.impactMaxBookingsDrop = 0.15
    let steepCheck = try #require(
      try strict.publish(runID: steep, dryRun: true, force: false, actor: "test").checks.first { $0.name == "impact" })
    #expect(!steepCheck.passed)
    #expect(steepCheck.detail == "EUR bookings -19.52% against current prices (limits: GMV -0.50%, bookings -15.0%)")
  }

  @Test("tightened bounds: the current table is judged within them, so the policy change is not refused as a loss")
  func tightenedBounds() throws {
    let fixture = try PublishFixture()
    let first = try fixture.run { _, _, _, _ in "1.5000" }
    try fixture.giveFactors(run: first, demand: 5, capacity: 10, elasticity: -0.5, price: 50)
    _ = try fixture.publisher.publish(runID: first, dryRun: false, force: false, actor: "test")
    // The policy now caps at 1.2: the new table earns 1.2^0.5 / 1.5^0.5 - 1 = -10.6% against the published
    // 1.5, but nothing against 1.5 brought inside the new bounds.
    let capped = try fixture.run { _, _, _, _ in "1.2000" }
    try fixture.giveFactors(run: capped, demand: 5, capacity: 10, elasticity: -0.5, price: 50)
    var publisher = fixture.publisher
    publisher.settings.bounds = 0.9...1.2
    let check = try #require(
      try publisher.publish(runID: capped, dryRun: true, force: false, actor: "test").checks.first { $0.name == "impact" })
    #expect(check.passed, "\(check.detail)")
    #expect(check.detail == "EUR: GMV +9.54% against flat, +0.00% against current, bookings +0.00% (limits: GMV -0.50%, bookings -25.0%)")
  }

  @Test("a run whose factors carry no demand passes with a note")
  func noEstimate() throws {
    let fixture = try PublishFixture()
    let run = try fixture.run { _, _, _, _ in "1.0500" }
    let outcome = try fixture.publisher.publish(runID: run, dryRun: true, force: false, actor: "test")
    let check = try #require(outcome.checks.first { $0.name == "impact" })
    #expect(check.passed)
    #expect(check.detail == "no impact estimate: run \(run)'s multipliers carry no expected demand")
  }
}
