import Foundation

/// The Poisson distribution's pieces the model needs for censored and interval computations.
public enum CensoredPoisson {
  /// E[Y | Y >= atLeast] for Y ~ Poisson(mu): the expected demand of a day that sold out at `atLeast`
  /// bookings. Summed over the tail from `atLeast` up, in log space (no overflow for large counts); equals
  /// `atLeast` when mu is 0 and tends to mu + ... as the tail becomes the whole distribution.
  public static func meanAtLeast(_ atLeast: Double, mu: Double) -> Double {
    let c = max(0, atLeast.rounded(.down))
    guard mu > 0, mu.isFinite else { return c }
    if c == 0 { return mu }
    // Below the mean the tail is most of the distribution: (mu - E[Y; Y < c]) / P(Y >= c), summed up to c
    // from the bottom (terms summed from c upward would overflow for c far below mu).
    if c <= mu { return PredictiveDistribution(mu: mu, theta: nil).meanAtLeastFromBelow(c) }
    // Terms pmf(k) / pmf(c) for k >= c: ratio mu / (k + 1) each step.
    var term = 1.0
    var mass = 0.0
    var first = 0.0
    var k = c
    while true {
      mass += term
      first += term * k
      term *= mu / (k + 1)
      k += 1
      if term < 1e-12 * mass && k > mu { break }
      if k - c > 100_000 { break }
    }
    return first / mass
  }

  /// E[min(Y, slots)] for Y ~ Poisson(mu): the bookings a day with `slots` slots is expected to sell.
  public static func expectedSales(mu: Double, slots: Double) -> Double {
    let s = max(0, slots.rounded(.down))
    guard mu > 0, mu.isFinite else { return 0 }
    if s == 0 { return 0 }
    if mu > 300 {
      // Normal approximation (exp(-mu) underflows): E[min(Y, s)] = mu - sd (phi(z) - z (1 - Phi(z))).
      let sd = mu.squareRoot()
      let z = (s - mu) / sd
      let density = exp(-z * z / 2) / (2 * Double.pi).squareRoot()
      let upper = erfc(z / 2.0.squareRoot()) / 2
      return min(s, mu - sd * (density - z * upper))
    }
    // sum_{k < s} k pmf(k) + s P(Y >= s)
    var pmf = exp(-mu)
    var below = 0.0
    var cumulative = 0.0
    var k = 0.0
    while k < s {
      below += k * pmf
      cumulative += pmf
      k += 1
      pmf *= mu / k
    }
    return below + s * max(0, 1 - cumulative)
  }
}
