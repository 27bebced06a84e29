import Foundation
import Testing

@testable import PricingModel

@Suite("The GMV objective (no database)")
struct GMVObjectiveTests {
  let bounds = 0.8...1.5

  /// Expected GMV per slot and unit of list price at m: m x min(p m^e, 1).
  func gmv(_ m: Double, pressure p: Double, elasticity e: Double) -> Double { m * min(p * pow(m, e), 1) }

  /// The best multiplier on a fine grid of the bounds: the numerical check of the closed form.
  func gridOptimum(pressure p: Double, elasticity e: Double) -> Double {
    stride(from: bounds.lowerBound, through: bounds.upperBound, by: 0.0001).max {
      gmv($0, pressure: p, elasticity: e) < gmv($1, pressure: p, elasticity: e)
    }!
  }

  @Test("elastic demand (|e| > 1) without binding capacity: the lowest price earns most")
  func elasticLoose() {
    let optimum = MultiplierPolicy.gmvOptimum(
      pressure: 0.5, elasticity: -1.6, bounds: bounds, maxUtilisation: nil, minVolumeRatio: 0)
    #expect(optimum.multiplier == 0.8)
    #expect(optimum.binding == .floor)
  }

  @Test("elastic demand with binding capacity: the price at which demand fills the slots")
  func elasticBinding() {
    // p = 1.2, e = -1.6: m_c = 1.2^(1/1.6).
    let optimum = MultiplierPolicy.gmvOptimum(
      pressure: 1.2, elasticity: -1.6, bounds: bounds, maxUtilisation: nil, minVolumeRatio: 0)
    #expect(abs(optimum.multiplier - pow(1.2, 1 / 1.6)) < 1e-12)
    #expect(optimum.binding == .capacity)
    #expect(abs(optimum.multiplier - gridOptimum(pressure: 1.2, elasticity: -1.6)) < 1e-4)
  }

  @Test("inelastic demand (|e| < 1): the highest price earns most, with or without binding capacity")
  func inelastic() {
    for pressure in [0.3, 0.9, 1.4, 3.0] {
      let optimum = MultiplierPolicy.gmvOptimum(
        pressure: pressure, elasticity: -0.4, bounds: bounds, maxUtilisation: nil, minVolumeRatio: 0)
      #expect(optimum.multiplier == 1.5)
      #expect(optimum.binding == .ceiling)
      #expect(gridOptimum(pressure: pressure, elasticity: -0.4) == 1.5)
    }
  }

  @Test("a capacity price beyond the bounds stops at the bound")
  func beyondBounds() {
    let high = MultiplierPolicy.gmvOptimum(pressure: 3, elasticity: -1.5, bounds: bounds, maxUtilisation: nil, minVolumeRatio: 0)
    #expect(high.multiplier == 1.5 && high.binding == .ceiling)
    let low = MultiplierPolicy.gmvOptimum(pressure: 0.5, elasticity: -2, bounds: bounds, maxUtilisation: nil, minVolumeRatio: 0)
    #expect(low.multiplier == 0.8 && low.binding == .floor)
  }

  @Test("elasticity -1: every price above the capacity price earns the same; the one nearest 1 is taken")
  func unitElastic() {
    let loose = MultiplierPolicy.gmvOptimum(pressure: 0.6, elasticity: -1, bounds: bounds, maxUtilisation: nil, minVolumeRatio: 0)
    #expect(loose.multiplier == 1 && loose.binding == .indifferent)
    let tight = MultiplierPolicy.gmvOptimum(pressure: 1.2, elasticity: -1, bounds: bounds, maxUtilisation: nil, minVolumeRatio: 0)
    #expect(abs(tight.multiplier - 1.2) < 1e-12 && tight.binding == .capacity)
  }

  @Test("max_utilisation raises the price; min_volume_ratio lowers it and wins when both bind")
  func constraints() {
    // Elastic and tight: the optimum fills every slot; a utilisation cap of 0.9 raises the price to
    // p m^e = 0.9.
    let capped = MultiplierPolicy.gmvOptimum(pressure: 1.2, elasticity: -1.6, bounds: bounds, maxUtilisation: 0.9, minVolumeRatio: 0)
    #expect(abs(capped.multiplier - pow(0.9 / 1.2, 1 / -1.6)) < 1e-12)
    #expect(capped.binding == .maxUtilisation)
    // Inelastic: the optimum is the ceiling, where bookings are 1.5^-0.8 = 72% of those at list price; a
    // volume floor of 0.8 lowers the price to 0.8^(1/-0.8).
    let volume = MultiplierPolicy.gmvOptimum(pressure: 0.5, elasticity: -0.8, bounds: bounds, maxUtilisation: nil, minVolumeRatio: 0.8)
    #expect(abs(volume.multiplier - pow(0.8, 1 / -0.8)) < 1e-12)
    #expect(volume.binding == .minVolume)
    let both = MultiplierPolicy.gmvOptimum(pressure: 0.95, elasticity: -0.8, bounds: bounds, maxUtilisation: 0.5, minVolumeRatio: 0.9)
    #expect(0.95 * pow(both.multiplier, -0.8) >= 0.9 * 0.95 - 1e-9)
    #expect(both.binding == .minVolume)
  }

  @Test("no demand: multiplier 1, never NaN")
  func noDemand() {
    for pressure in [0.0, -1, .nan, .infinity] {
      let optimum = MultiplierPolicy.gmvOptimum(
        pressure: pressure, elasticity: -1.2, bounds: bounds, maxUtilisation: nil, minVolumeRatio: 0)
      #expect(optimum.multiplier == 1 && optimum.binding == .noDemand)
    }
  }

  @Test("objective utilisation keeps the target rule: (u / p_band)^(w / e), clamped")
  func utilisationRule() throws {
    let model = try DemandModel.fit(syntheticCells(), features: syntheticFeatures)
    var config = PolicyConfig()
    config.objective = .utilisation
    config.smoothing_days = 1
    config.explore = .off  // the rule itself, without exploration's random moves
    let cells = futureCells()
    let candidates = MultiplierPolicy.candidates(model: model, cells: cells, bands: bands, config: config)
    for candidate in candidates {
      let cell = try #require(cells.first { $0.category == candidate.category && $0.date == candidate.date })
      let band = try #require(bands.first { $0.name == candidate.band })
      let elasticity = try #require(model.elasticity(of: cell.category))
      let weight = MultiplierPolicy.confidenceWeight(elasticity, config: config)
      let logPressure = model.components(
        category: cell.category, city: cell.city, date: cell.date, southern: false, meanExperience: 5, holiday: false
      ).total + model.experienceEffect * (band.representativeYears - cell.meanExperience)
      let expected = exp(weight * (log(config.target_utilisation) - logPressure) / elasticity.estimate)
      let rounded = min(max((expected * 10_000).rounded() / 10_000, 0.8), 1.5)
      #expect(candidate.multiplier == rounded, "\(candidate.key)")
    }
  }

  @Test("bands split the cell's demand in proportion to capacity x exp(gamma x years) and sum to it")
  func bandSplit() throws {
    let supply = [
      BandSupply(band: "junior", capacity: 6, meanExperience: 1.5, listPrice: 50, currency: "EUR"),
      BandSupply(band: "senior", capacity: 14, meanExperience: 12, listPrice: 80, currency: "EUR"),
    ]
    let cell = FutureCell(
      category: "cleaning", city: "Berlin", date: CalendarDay(daysSinceEpoch: 19_400), capacity: 20,
      meanExperience: (6 * 1.5 + 14 * 12) / 20, southern: false, historyBookings: 1000, supply: supply)
    let gamma = 0.03
    let shares = MultiplierPolicy.bandSplit(cell, bands: bands, experienceEffect: gamma)
    let demand = zip(shares, supply).map { $0.0.pressureRatio * $0.0.capacity }
    #expect(abs(demand.reduce(0, +) - 20) < 1e-9)
    let expectedRatio = 6 * exp(gamma * 1.5) / (14 * exp(gamma * 12))
    #expect(abs(demand[0] / demand[1] - expectedRatio) < 1e-12)
    #expect(shares.map(\.listPrice) == [50, 80])
  }

  @Test("a band without providers is still priced, serves nothing, and says so")
  func emptyBand() throws {
    let model = try DemandModel.fit(syntheticCells(), features: syntheticFeatures)
    let cells = futureCells(days: 2).map { cell -> FutureCell in
      var cell = cell
      cell.supply = [BandSupply(band: "junior", capacity: 20, meanExperience: 2, listPrice: 40, currency: "EUR")]
      return cell
    }
    let candidates = MultiplierPolicy.candidates(model: model, cells: cells, bands: bands, config: PolicyConfig())
    let senior = candidates.filter { $0.band == "senior" }
    #expect(!senior.isEmpty)
    for candidate in senior {
      #expect(candidate.multiplier.isFinite && candidate.multiplier >= 0.8 && candidate.multiplier <= 1.5)
      #expect(candidate.factors.expected_bookings == 0)
      #expect(candidate.factors.fallback?.hasPrefix("no providers in this band") == true)
    }
    for candidate in candidates where candidate.band == "junior" {
      let f = candidate.factors
      #expect(abs(try #require(f.expected_gmv) - 40 * candidate.multiplier * (f.expected_bookings ?? .nan)) < 1e-9)
    }
  }

  @Test("the GMV objective earns at least flat prices under the model's own demand, category by category")
  func earnsUnderModel() throws {
    let model = try DemandModel.fit(syntheticCells(), features: syntheticFeatures)
    var config = PolicyConfig()
    config.smoothing_days = 1
    for capacity in [5.0, 20, 60] {
      let cells = futureCells(capacity: capacity).map { cell -> FutureCell in
        var cell = cell
        cell.supply = [
          BandSupply(band: "junior", capacity: capacity / 2, meanExperience: 2, listPrice: 40, currency: "EUR"),
          BandSupply(band: "senior", capacity: capacity / 2, meanExperience: 12, listPrice: 60, currency: "EUR"),
        ]
        return cell
      }
      let candidates = MultiplierPolicy.candidates(model: model, cells: cells, bands: bands, config: config)
      for category in ["cleaning", "moving"] {
        let mine = candidates.filter { $0.category == category }
        let gmv = mine.reduce(0) { $0 + ($1.factors.expected_gmv ?? .nan) }
        let flat = mine.reduce(0) { $0 + ($1.factors.gmv_at_list ?? .nan) }
        #expect(gmv >= flat - 1e-9, "\(category) at capacity \(capacity): \(gmv) < \(flat)")
      }
    }
  }

  @Test("explain shows the objective's step: demand, capacity, the chosen multiplier, expected GMV at it and at 1, the binding")
  func explainText() {
    var factors = MultiplierFactors()
    factors.objective = "gmv"
    factors.optimum = 1.2
    factors.shrink = 1
    factors.smoothing = 1
    factors.clamp = 1
    factors.predicted_bookings = 12
    factors.capacity = 10
    factors.pressure = 1.2
    factors.elasticity = -1.5
    factors.elasticity_se = 0.05
    factors.band_demand = 6
    factors.band_capacity = 5
    factors.expected_bookings = 5
    factors.bookings_at_list = 5
    factors.expected_gmv = 300
    factors.gmv_at_list = 250
    factors.list_price = 50
    factors.currency = "EUR"
    factors.binding = "capacity"
    let candidate = CandidateMultiplier(
      category: "cleaning", city: "Berlin", band: "senior", date: CalendarDay(daysSinceEpoch: 20_500), multiplier: 1.2,
      factors: factors)
    #expect(
      MultiplierPolicy.explain(candidate) == """
        cleaning in Berlin on 2026-02-16, band senior: multiplier 1.2000
          = GMV optimum at the elasticity's estimate 1.2000 x uncertainty pull 1.0000 x smoothing 1.0000 x clamp 1.0000
          demand at list price: 12.00 bookings for 10.00 slots (pressure 1.200)
          elasticity -1.500 (standard error 0.050)
          this band: 6.00 bookings at list price for 5.00 slots
          expected: 5.00 bookings at 1.2000, 5.00 at 1; GMV 300.00 EUR against 250.00 EUR at 1
          binding: capacity (the price at which expected demand fills the band's slots)
        """)
  }
}
