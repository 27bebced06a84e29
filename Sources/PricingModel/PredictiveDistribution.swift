import Foundation

/// The forecast distribution of one cell's bookings: negative binomial NB2 with mean `mu` and size `theta`
/// (Poisson when theta is nil), optionally censored at `slots` (a sold-out day sells its slots).
///
/// Quantiles give the prediction intervals; `centralCoverage` the probability that the randomised PIT of
/// an observation falls in the central interval of a level (Czado, Gneiting & Held 2009), whose mean over
/// cells is the interval's coverage for a discrete forecast: exactly the level when the forecast is
/// calibrated, where counting observations inside integer quantiles overstates it for small means.
public struct PredictiveDistribution: Sendable {
  public var mu: Double
  public var theta: Double?
  public var slots: Double?

  public init(mu: Double, theta: Double?, slots: Double? = nil) {
    self.mu = max(mu, 1e-9)
    // Beyond this size the negative binomial is the Poisson to working precision.
    self.theta = theta.flatMap { $0 > 1e5 ? nil : $0 }
    self.slots = slots
  }

  private func logPMF(_ k: Double) -> Double {
    guard let theta else { return k * log(mu) - mu - lgamma(k + 1) }
    return lgamma(k + theta) - lgamma(theta) - lgamma(k + 1) + theta * log(theta / (theta + mu))
      + k * log(mu / (theta + mu))
  }

  private var standardDeviation: Double { (mu + (theta.map { mu * mu / $0 } ?? 0)).squareRoot() }

  /// pmf(k + 1) / pmf(k).
  @inline(__always)
  private func ratio(_ k: Double) -> Double {
    guard let theta else { return mu / (k + 1) }
    return (k + theta) / (k + 1) * mu / (theta + mu)
  }

  /// The first count with non-negligible probability (12 standard deviations below the mean).
  private var lowest: Double { max(0, (mu - 12 * standardDeviation).rounded(.down)) }

  /// P(Y <= k) of the uncensored count (0 for k < 0).
  public func cdf(_ k: Double) -> Double {
    guard k >= 0 else { return 0 }
    let start = lowest
    if k < start { return 0 }
    var total = 0.0
    var p = exp(logPMF(start))
    var j = start
    while j <= k {
      total += p
      p *= ratio(j)
      j += 1
      if j - start > 200_000 { break }
    }
    return min(1, total)
  }

  /// The smallest k with P(observed <= k) >= p (censored at the slots when set).
  public func quantile(_ p: Double) -> Double {
    let start = lowest
    var total = 0.0
    var k = start
    var mass = exp(logPMF(start))
    while true {
      total += mass
      if total >= p || k - start > 200_000 { break }
      if let slots, k >= slots { return slots }
      mass *= ratio(k)
      k += 1
    }
    if let slots { return min(k, slots) }
    return k
  }

  /// E[Y; Y < c] and P(Y < c), summed from the lowest count with non-negligible probability.
  private func sumsBelow(_ c: Double) -> (first: Double, mass: Double) {
    var first = 0.0
    var mass = 0.0
    var k = lowest
    var p = exp(logPMF(k))
    while k < c {
      first += k * p
      mass += p
      p *= ratio(k)
      k += 1
    }
    return (first, mass)
  }

  /// E[min(Y, slots)]: the bookings a day with `slots` slots is expected to record.
  public func expectedMinimum(_ slots: Double) -> Double {
    let s = max(0, slots.rounded(.down))
    if s <= lowest { return s }
    let (first, mass) = sumsBelow(s)
    return first + s * max(0, 1 - mass)
  }

  /// E[Y | Y >= atLeast]: the expected demand of a day that sold out at `atLeast` bookings.
  public func meanAtLeast(_ atLeast: Double) -> Double {
    let c = max(0, atLeast.rounded(.down))
    if c == 0 { return mu }
    if c <= mu { return meanAtLeastFromBelow(c) }
    // Above the mean: the tail summed up from c in units of pmf(c) (the ratio needs no scale, so nothing
    // underflows however far c is above the mean).
    var mass = 0.0
    var first = 0.0
    var k = c
    var p = 1.0
    while true {
      mass += p
      first += k * p
      p *= ratio(k)
      k += 1
      if (p < 1e-12 * mass && k > mu) || k - c > 100_000 { break }
    }
    return first / mass
  }

  /// E[Y | Y >= c] for c at or below the mean: (mu - E[Y; Y < c]) / P(Y >= c), the terms below c summed
  /// from the lowest count with non-negligible probability.
  private func meanAtLeastFromBelow(_ c: Double) -> Double {
    let (below, mass) = sumsBelow(c)
    let tail = 1 - mass
    guard tail > 1e-12 else { return max(c, mu) }
    return max(c, (mu - below) / tail)
  }

  /// The probability that the randomised PIT of observation `y` lies in the central `level` interval.
  public func centralCoverage(_ y: Double, level: Double) -> Double {
    let low = (1 - level) / 2
    let high = 1 - low
    let below = cdf(y - 1)
    var upTo = cdf(y)
    if let slots, y >= slots { upTo = 1 }
    guard upTo > below else { return (below >= low && below <= high) ? 1 : 0 }
    let overlap = max(0, min(upTo, high) - max(below, low))
    return overlap / (upTo - below)
  }
}

extension PredictiveDistribution {
  /// The NB2 size that fits `actual` counts around out-of-sample means `predicted` by maximum likelihood
  /// (the intervals' dispersion: it carries the parameters' and the model's error, not only the noise
  /// the fit saw); nil (Poisson) when no overdispersion is left or there are no pairs.
  public static func outOfSampleTheta(actual: [Double], predicted: [Double]) -> Double? {
    guard !actual.isEmpty, actual.count == predicted.count else { return nil }
    let estimate = ThetaEstimator(response: actual, weights: nil).estimate(mu: predicted.map { max($0, 1e-6) }, start: nil)
    return estimate.reachedBound || !estimate.theta.isFinite ? nil : estimate.theta
  }
}
