import Foundation

/// The Poisson case of `PredictiveDistribution`'s censored pieces, with the edge cases of a zero or
/// non-finite mean settled.
public enum CensoredPoisson {
  /// E[Y | Y >= atLeast] for Y ~ Poisson(mu): the expected demand of a day that sold out at `atLeast`
  /// bookings; `atLeast` itself when mu is 0.
  public static func meanAtLeast(_ atLeast: Double, mu: Double) -> Double {
    let c = max(0, atLeast.rounded(.down))
    guard mu > 0, mu.isFinite else { return c }
    return PredictiveDistribution(mu: mu, theta: nil).meanAtLeast(c)
  }

  /// E[min(Y, slots)] for Y ~ Poisson(mu): the bookings a day with `slots` slots is expected to sell.
  public static func expectedSales(mu: Double, slots: Double) -> Double {
    guard mu > 0, mu.isFinite else { return 0 }
    return PredictiveDistribution(mu: mu, theta: nil).expectedMinimum(slots)
  }
}
