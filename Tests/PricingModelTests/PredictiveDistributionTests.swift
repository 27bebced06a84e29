import Foundation
import Testing

@testable import PricingModel

@Suite("Prediction intervals, censored Poisson pieces and the baseline gate (no database)")
struct PredictiveDistributionTests {
  /// A negative binomial draw: Poisson with a gamma(theta, mu/theta) mean (sum of exponentials for the
  /// integer thetas used here).
  static func negativeBinomial(_ random: inout SimulationRandom, mu: Double, theta: Int) -> Double {
    var gamma = 0.0
    for _ in 0..<theta { gamma -= log(max(random.uniform(), 1e-300)) }
    return random.poisson(gamma * mu / Double(theta))
  }

  @Test("intervals cover at the stated rate on simulated negative binomial counts", arguments: [nil, 4] as [Int?])
  func coverage(theta: Int?) {
    var random = SimulationRandom(state: 77)
    var actual: [Double] = []
    var distributions: [PredictiveDistribution] = []
    for index in 0..<20_000 {
      let mu = 0.3 + Double(index % 40)  // small and large means
      actual.append(theta.map { Self.negativeBinomial(&random, mu: mu, theta: $0) } ?? random.poisson(mu))
      distributions.append(PredictiveDistribution(mu: mu, theta: theta.map(Double.init)))
    }
    let measured = IntervalCoverage.measure(actual: actual, distributions: distributions)!
    #expect(abs(measured.coverage_80 - 0.80) < 0.012, "80%: \(measured.coverage_80)")
    #expect(abs(measured.coverage_95 - 0.95) < 0.008, "95%: \(measured.coverage_95)")
    // Counting observations inside integer quantiles overstates coverage for discrete counts.
    #expect(measured.inside_80 >= measured.coverage_80)
    // The wrong dispersion shows: Poisson intervals on overdispersed counts under-cover.
    if theta != nil {
      let poisson = IntervalCoverage.measure(
        actual: actual, distributions: distributions.map { PredictiveDistribution(mu: $0.mu, theta: nil) })!
      #expect(poisson.coverage_80 < 0.7)
    }
  }

  @Test("the out-of-sample dispersion recovers theta, and is nil (Poisson) without overdispersion")
  func outOfSampleTheta() throws {
    var random = SimulationRandom(state: 5)
    let mu = (0..<20_000).map { 1 + Double($0 % 10) }
    let overdispersed = mu.map { Self.negativeBinomial(&random, mu: $0, theta: 5) }
    let theta = try #require(PredictiveDistribution.outOfSampleTheta(actual: overdispersed, predicted: mu))
    #expect(abs(theta - 5) < 0.6)
    let plain = mu.map { random.poisson($0) }
    let poisson = PredictiveDistribution.outOfSampleTheta(actual: plain, predicted: mu)
    #expect(poisson == nil || poisson! > 200)
  }

  @Test("quantiles of a censored day stop at its slots")
  func censoredQuantile() {
    let distribution = PredictiveDistribution(mu: 30, theta: nil, slots: 20)
    #expect(distribution.quantile(0.1) == 20)
    // P(Y <= 19) for Poisson(30) is 0.0219: a sold-out day's PIT is uniform on [0.0219, 1], of which the
    // central 80% [0.1, 0.9] holds 0.8 / 0.9781.
    let below = PredictiveDistribution(mu: 30, theta: nil).cdf(19)
    #expect(abs(below - 0.021_89) < 1e-4)
    #expect(abs(distribution.centralCoverage(20, level: 0.8) - 0.8 / (1 - below)) < 1e-12)
    #expect(PredictiveDistribution(mu: 30, theta: nil).quantile(0.5) == 30)
  }

  @Test("E[Y | Y >= c] and E[min(Y, s)] of a Poisson against direct sums")
  func censoredPoisson() {
    func pmf(_ k: Int, _ mu: Double) -> Double { exp(Double(k) * log(mu) - mu - lgamma(Double(k) + 1)) }
    for (mu, c) in [(3.0, 5), (10.0, 4), (0.5, 2), (40.0, 60)] {
      let tail = (c..<400).map { pmf($0, mu) }
      let expected = zip(c..<400, tail).map { Double($0) * $1 }.reduce(0, +) / tail.reduce(0, +)
      #expect(abs(CensoredPoisson.meanAtLeast(Double(c), mu: mu) - expected) < 1e-9 * expected)
      let sales = (0..<400).map { Double(min($0, c)) * pmf($0, mu) }.reduce(0, +)
      #expect(abs(CensoredPoisson.expectedSales(mu: mu, slots: Double(c)) - sales) < 1e-9 * max(1, sales))
    }
    // The negative binomial's pieces against direct sums of its pmf.
    func nbPMF(_ k: Int, _ mu: Double, _ theta: Double) -> Double {
      exp(lgamma(Double(k) + theta) - lgamma(theta) - lgamma(Double(k) + 1) + theta * log(theta / (theta + mu))
        + Double(k) * log(mu / (theta + mu)))
    }
    for (mu, theta, c) in [(3.0, 2.0, 5), (10.0, 5.0, 4), (40.0, 8.0, 60), (25.0, 1.5, 25)] {
      let distribution = PredictiveDistribution(mu: mu, theta: theta)
      let tail = (c..<3000).map { nbPMF($0, mu, theta) }
      let expected = zip(c..<3000, tail).map { Double($0) * $1 }.reduce(0, +) / tail.reduce(0, +)
      #expect(abs(distribution.meanAtLeast(Double(c)) - expected) < 1e-8 * expected, "mu \(mu) theta \(theta) c \(c)")
      let sales = (0..<3000).map { Double(min($0, c)) * nbPMF($0, mu, theta) }.reduce(0, +)
      #expect(abs(distribution.expectedMinimum(Double(c)) - sales) < 1e-8 * sales)
    }
    // Far below a large mean: no overflow, close to the mean.
    #expect(abs(CensoredPoisson.meanAtLeast(5, mu: 800) - 800) < 1e-6)
    #expect(abs(PredictiveDistribution(mu: 800, theta: 20).meanAtLeast(5) - 800) < 1e-3)
    #expect(CensoredPoisson.meanAtLeast(7, mu: 0) == 7)
    #expect(CensoredPoisson.meanAtLeast(0, mu: 2.5) == 2.5)
    // Large means (exp(-mu) underflows): the normal approximation, close to the slots or to mu.
    #expect(abs(CensoredPoisson.expectedSales(mu: 900, slots: 2000) - 900) < 1e-6)
    #expect(abs(CensoredPoisson.expectedSales(mu: 900, slots: 400) - 400) < 1e-6)
  }

  @Test("the gate rejects a model worse than either baseline, on WAPE and on deviance explained")
  func gate() {
    func metrics(_ wape: Double, _ explained: Double) -> HoldoutMetrics {
      HoldoutMetrics(deviance_explained: explained, wape: wape, calibration: 1, bookings: 100, predicted: 100)
    }
    let model = metrics(0.25, 0.80)
    #expect(Validation.gate(model: model, baselines: [("seasonal-naive baseline", metrics(0.30, 0.70)),
                                                      ("last-year baseline", metrics(0.28, 0.75))]).isEmpty)
    #expect(
      Validation.gate(model: model, baselines: [("seasonal-naive baseline", metrics(0.30, 0.70)),
                                                ("last-year baseline", metrics(0.24, 0.85))])
        == [
          "holdout WAPE 0.2500 does not beat the last-year baseline's 0.2400",
          "holdout deviance explained 0.8000 does not beat the last-year baseline's 0.8500",
        ])
    #expect(
      Validation.gate(model: metrics(.nan, 0.9), baselines: [("seasonal-naive baseline", metrics(0.3, 0.7))])
        == ["holdout WAPE nan does not beat the seasonal-naive baseline's 0.3000"])
  }

  @Test("the last-year baseline scales the same weekday a year earlier by the recent level, nil without a year")
  func lastYearBaseline() throws {
    var training: [DemandCell] = []
    let start = 20_000
    for day in 0..<400 {
      let date = CalendarDay(daysSinceEpoch: start + day)
      // Demand doubles after day 300 (recent level x2 against a year before).
      let bookings = Double(day % 7 == 0 ? 10 : 4) * (day >= 300 ? 2 : 1)
      training.append(
        DemandCell(category: "c", city: "x", date: date, bookings: bookings, capacity: 10, meanExperience: 5,
                   logPriceRatio: nil, southern: false))
    }
    let holdoutStart = CalendarDay(daysSinceEpoch: start + 400)
    let holdout = (0..<7).map {
      DemandCell(category: "c", city: "x", date: holdoutStart.adding(days: $0), bookings: 0, capacity: 10,
                 meanExperience: 5, logPriceRatio: nil, southern: false)
    }
    let baseline = try #require(
      Validation.lastYearScaled(training: training, holdout: holdout, holdoutStart: holdoutStart, weeks: 4))
    // Day 400 + k is 364 days after day 36 + k (same weekday); the level ratio of the last 28 days is 2.
    for k in 0..<7 { #expect(baseline[k] == Double((36 + k) % 7 == 0 ? 10 : 4) * 2) }
    #expect(
      Validation.lastYearScaled(
        training: Array(training.suffix(300)), holdout: holdout, holdoutStart: holdoutStart, weeks: 4) == nil)
  }
}
