import Foundation

/// Maximum-likelihood estimate of the negative binomial's shape theta for fixed means mu: Newton-Raphson
/// on the profile score, as in Venables & Ripley's `MASS::theta.ml` (*Modern Applied Statistics with S*,
/// 4th ed., 2002, section 7.4):
///
///     score(t) = sum w [psi(t + y) - psi(t) + log t + 1 - log(t + mu) - (y + t)/(mu + t)]
///     info(t)  = sum w [-psi'(t + y) + psi'(t) - 1/t + 2/(mu + t) - (y + t)/(mu + t)^2]
///     t <- t + score / info,  starting from t0 = sum w / sum w (y/mu - 1)^2.
///
/// psi(t + y) - psi(t) and its derivative depend on y only, so they are computed once per distinct
/// response value. With no overdispersion theta grows without bound: it is capped at `maximum`
/// (the fit is then Poisson to working precision) and `reachedBound` says so.
struct ThetaEstimator {
  static let maximum = 1e8
  static let minimum = 1e-6

  struct Estimate {
    var theta: Double
    var iterations: Int
    var reachedBound: Bool
  }

  let response: [Double]
  let weights: [Double]?
  /// Distinct response values with their total weight, when all responses are small integers.
  private let groups: [(value: Double, weight: Double)]?

  init(response: [Double], weights: [Double]?) {
    self.response = response
    self.weights = weights
    var totals: [Double: Double] = [:]
    var integral = true
    for (index, y) in response.enumerated() {
      if y != y.rounded() || y > 100_000 {
        integral = false
        break
      }
      totals[y, default: 0] += weights?[index] ?? 1
    }
    groups = integral ? totals.map { ($0.key, $0.value) }.sorted { $0.value < $1.value } : nil
  }

  func estimate(mu: [Double], start: Double?) -> Estimate {
    let n = response.count
    var theta: Double
    if let start {
      theta = start
    } else {
      var totalWeight = 0.0
      var sum = 0.0
      for i in 0..<n {
        let w = weights?[i] ?? 1
        let ratio = response[i] / mu[i] - 1
        totalWeight += w
        sum += w * ratio * ratio
      }
      theta = sum > 0 ? totalWeight / sum : Self.maximum
    }
    theta = min(max(theta, Self.minimum), Self.maximum)
    var iterations = 0
    for _ in 0..<100 {
      iterations += 1
      var score = 0.0
      var info = 0.0
      // Terms that depend on y only.
      if let groups {
        for group in groups {
          score += group.weight * (SpecialFunctions.digamma(theta + group.value) - SpecialFunctions.digamma(theta))
          info += group.weight * (SpecialFunctions.trigamma(theta) - SpecialFunctions.trigamma(theta + group.value))
        }
      } else {
        for i in 0..<n {
          let w = weights?[i] ?? 1
          score += w * (SpecialFunctions.digamma(theta + response[i]) - SpecialFunctions.digamma(theta))
          info += w * (SpecialFunctions.trigamma(theta) - SpecialFunctions.trigamma(theta + response[i]))
        }
      }
      let logTheta = log(theta)
      for i in 0..<n {
        let w = weights?[i] ?? 1
        let y = response[i]
        let m = mu[i]
        score += w * (logTheta + 1 - log(theta + m) - (y + theta) / (m + theta))
        info += w * (-1 / theta + 2 / (m + theta) - (y + theta) / ((m + theta) * (m + theta)))
      }
      guard info > 0, score.isFinite else { break }
      var next = theta + score / info
      if next <= 0 { next = theta / 2 }
      let change = abs(next - theta)
      theta = next
      if theta >= Self.maximum { return Estimate(theta: Self.maximum, iterations: iterations, reachedBound: true) }
      if change <= 1e-11 * max(1, theta) { break }
    }
    return Estimate(theta: min(max(theta, Self.minimum), Self.maximum), iterations: iterations,
                    reachedBound: theta >= Self.maximum)
  }
}
