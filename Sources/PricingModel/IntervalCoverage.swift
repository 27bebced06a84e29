import Foundation

/// Interval coverage on held-out cells.
public struct IntervalCoverage: Sendable, Codable, Equatable {
  /// The dispersion the intervals use: NB2 size theta (nil: Poisson), from out-of-sample residuals.
  public var theta: Double?
  /// Mean probability of the randomised PIT in the central 80% and 95% intervals (nominal 0.80, 0.95).
  public var coverage_80: Double
  public var coverage_95: Double
  /// Share of cells whose bookings lie within the integer quantiles [q(0.10), q(0.90)] and [q(0.025),
  /// q(0.975)] (at least the level for a calibrated discrete forecast).
  public var inside_80: Double
  public var inside_95: Double

  public static func measure(actual: [Double], distributions: [PredictiveDistribution]) -> IntervalCoverage? {
    guard !actual.isEmpty, actual.count == distributions.count else { return nil }
    var pit80 = 0.0
    var pit95 = 0.0
    var in80 = 0.0
    var in95 = 0.0
    for (y, distribution) in zip(actual, distributions) {
      pit80 += distribution.centralCoverage(y, level: 0.8)
      pit95 += distribution.centralCoverage(y, level: 0.95)
      if y >= distribution.quantile(0.1) && y <= distribution.quantile(0.9) { in80 += 1 }
      if y >= distribution.quantile(0.025) && y <= distribution.quantile(0.975) { in95 += 1 }
    }
    let n = Double(actual.count)
    return IntervalCoverage(
      theta: distributions.first?.theta, coverage_80: pit80 / n, coverage_95: pit95 / n, inside_80: in80 / n,
      inside_95: in95 / n)
  }
}
