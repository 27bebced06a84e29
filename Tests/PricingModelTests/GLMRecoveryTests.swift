import Foundation
import Testing

@testable import PricingModel

/// A seeded generator for simulations (SplitMix64 with Knuth's Poisson sampler for small means).
struct SimulationRandom {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }
  mutating func normal() -> Double {
    (-2 * log(max(uniform(), 1e-300))).squareRoot() * cos(2 * Double.pi * uniform())
  }
  mutating func poisson(_ mean: Double) -> Double {
    let limit = exp(-mean)
    var product = uniform()
    var count = 0.0
    while product > limit {
      product *= uniform()
      count += 1
    }
    return count
  }
}

@Suite("GLM recovers known coefficients")
struct GLMRecoveryTests {
  @Test("95% intervals cover the true coefficients at about the nominal rate (Poisson, offset, categorical)")
  func coverage() throws {
    var random = SimulationRandom(state: 2026)
    let truth = ["(Intercept)": -0.5, "x": 0.4, "kind[b]": 0.3, "kind[c]": -0.6]
    var covered = 0
    var total = 0
    for _ in 0..<150 {
      let n = 400
      var x: [Double] = []
      var kinds: [String] = []
      var offset: [Double] = []
      var y: [Double] = []
      for _ in 0..<n {
        let xi = random.normal()
        let kind = ["a", "b", "c"][Int(random.next() % 3)]
        let exposure = log(1 + 4 * random.uniform())
        let eta = -0.5 + 0.4 * xi + (kind == "b" ? 0.3 : kind == "c" ? -0.6 : 0) + exposure
        x.append(xi)
        kinds.append(kind)
        offset.append(exposure)
        y.append(random.poisson(exp(eta)))
      }
      let result = try GLM.fit(try makeData(response: y, numeric: [("x", x)], categorical: [("kind", kinds)], offset: offset))
      #expect(result.converged)
      for coefficient in result.coefficients {
        let value = truth[coefficient.name]!
        if abs(coefficient.estimate - value) <= 1.959964 * coefficient.standardError { covered += 1 }
        total += 1
      }
    }
    let rate = Double(covered) / Double(total)
    #expect(rate > 0.925 && rate < 0.975, "coverage \(rate) of \(total) intervals")
  }

  @Test("the negative binomial recovers theta and the coefficients on a large sample")
  func negativeBinomialRecovery() throws {
    var random = SimulationRandom(state: 99)
    let theta = 3.0
    var x: [Double] = []
    var y: [Double] = []
    for _ in 0..<20_000 {
      let xi = random.normal()
      let mu = exp(1.0 + 0.5 * xi)
      // Gamma-Poisson mixture: lambda ~ Gamma(theta, mu/theta) by summing exponentials (theta is an integer).
      var gamma = 0.0
      for _ in 0..<Int(theta) { gamma -= log(max(random.uniform(), 1e-300)) }
      x.append(xi)
      y.append(random.poisson(gamma * mu / theta))
    }
    let result = try GLM.fit(try makeData(response: y, numeric: [("x", x)]), options: GLMOptions(family: .negativeBinomial(theta: 1)))
    #expect(result.converged)
    #expect(abs((result.theta ?? 0) - theta) < 0.3)
    let slope = try #require(result.coefficient("x"))
    #expect(abs(slope.estimate - 0.5) < 3 * slope.standardError)
    #expect(result.pearsonDispersion > 0.9 && result.pearsonDispersion < 1.1)
  }
}
