import Foundation

/// The digamma and trigamma functions, for the negative binomial's theta (see `ThetaEstimator`).
///
/// Both use the recurrence psi(x) = psi(x + 1) - 1/x until x >= 10, then the asymptotic series
/// (Abramowitz & Stegun 6.3.18 and 6.4.12); absolute error below 1e-13 for x > 0.
enum SpecialFunctions {
  static func digamma(_ x: Double) -> Double {
    precondition(x > 0, "digamma defined here for x > 0")
    var value = 0.0
    var z = x
    while z < 10 {
      value -= 1 / z
      z += 1
    }
    let inverse = 1 / z
    let inverseSquared = inverse * inverse
    value += log(z) - 0.5 * inverse
    value -= inverseSquared * (1.0 / 12 - inverseSquared * (1.0 / 120 - inverseSquared * (1.0 / 252
      - inverseSquared * (1.0 / 240 - inverseSquared * (1.0 / 132)))))
    return value
  }

  static func trigamma(_ x: Double) -> Double {
    precondition(x > 0, "trigamma defined here for x > 0")
    var value = 0.0
    var z = x
    while z < 10 {
      value += 1 / (z * z)
      z += 1
    }
    let inverse = 1 / z
    let inverseSquared = inverse * inverse
    value += inverse + 0.5 * inverseSquared
    value += inverse * inverseSquared * (1.0 / 6 - inverseSquared * (1.0 / 30 - inverseSquared * (1.0 / 42
      - inverseSquared * (1.0 / 30 - inverseSquared * (5.0 / 66)))))
    return value
  }
}
