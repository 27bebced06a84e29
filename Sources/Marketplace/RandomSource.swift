import Foundation

/// A small, fast, seedable pseudo-random generator for the synthetic marketplace: xoshiro256**
/// (Blackman & Vigna 2018), seeded through SplitMix64. The same seed gives the same stream on every
/// platform, which is what makes `pricing seed --seed S` reproducible.
public struct RandomSource: RandomNumberGenerator {
  private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

  public init(seed: UInt64) {
    var splitmix = seed
    func next() -> UInt64 {
      splitmix &+= 0x9E37_79B9_7F4A_7C15
      var z = splitmix
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    s0 = next()
    s1 = next()
    s2 = next()
    s3 = next()
  }

  /// An independent stream for a sub-task (a category x city, a table), derived from this seed and a label.
  public static func derived(seed: UInt64, _ labels: UInt64...) -> RandomSource {
    var mixed = seed
    for label in labels { mixed = (mixed ^ label) &* 0x9E37_79B9_7F4A_7C15 &+ 0x632B_E59B_D9B4_E019 }
    return RandomSource(seed: mixed)
  }

  public mutating func next() -> UInt64 {
    let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = (s3 << 45) | (s3 >> 19)
    return result
  }

  // MARK: - Distributions

  /// Uniform on [0, 1) with 53 random bits.
  public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

  /// Uniform on [low, high).
  public mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * uniform() }

  /// An integer in 0..<bound (Lemire's multiply-shift; the tiny bias is irrelevant here).
  public mutating func index(_ bound: Int) -> Int {
    Int(next().multipliedFullWidth(by: UInt64(bound)).high)
  }

  public mutating func chance(_ probability: Double) -> Bool { uniform() < probability }

  /// Standard normal by the Box-Muller transform (one of the pair; simplicity over speed).
  public mutating func normal() -> Double {
    let u1 = max(uniform(), 0x1.0p-60)
    return (-2 * Foundation.log(u1)).squareRoot() * cos(2 * Double.pi * uniform())
  }

  /// Exponential with the given mean.
  public mutating func exponential(mean: Double) -> Double { -mean * Foundation.log(1 - uniform()) }

  /// Poisson(lambda). Inversion by sequential search for lambda < 30; for larger means the PTRS
  /// transformed-rejection method (W. Hörmann, "The transformed rejection method for generating Poisson
  /// random variables", Insurance: Mathematics and Economics 12, 1993).
  public mutating func poisson(_ lambda: Double) -> Int {
    guard lambda > 0, lambda.isFinite else { return 0 }
    if lambda < 30 {
      var k = 0
      var p = Foundation.exp(-lambda)
      var cumulative = p
      let u = uniform()
      while u > cumulative, k < 1000 {
        k += 1
        p *= lambda / Double(k)
        cumulative += p
      }
      return k
    }
    let slam = lambda.squareRoot()
    let loglam = Foundation.log(lambda)
    let b = 0.931 + 2.53 * slam
    let a = -0.059 + 0.02483 * b
    let invalpha = 1.1239 + 1.1328 / (b - 3.4)
    let vr = 0.9277 - 3.6224 / (b - 2)
    while true {
      let u = uniform() - 0.5
      let v = uniform()
      let us = 0.5 - abs(u)
      let k = Foundation.floor((2 * a / us + b) * u + lambda + 0.43)
      if us >= 0.07 && v <= vr { return Int(k) }
      if k < 0 || (us < 0.013 && v > us) { continue }
      if Foundation.log(v) + Foundation.log(invalpha) - Foundation.log(a / (us * us) + b)
        <= -lambda + k * loglam - Foundation.lgamma(k + 1)
      {
        return Int(k)
      }
    }
  }
}
