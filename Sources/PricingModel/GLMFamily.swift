import Foundation

/// The response distribution and link of a GLM (McCullagh & Nelder, *Generalized Linear Models*, 2nd ed.,
/// 1989, ch. 2): variance function V(mu), link g, and unit deviance.
///
/// - Poisson, log link: V = mu, d = 2 [y log(y/mu) - (y - mu)].
/// - Negative binomial NB2 with shape theta, log link: V = mu + mu^2/theta,
///   d = 2 [y log(y/mu) - (y + theta) log((y + theta)/(mu + theta))] (Hilbe, *Negative Binomial Regression*, 2011).
/// - Gaussian, identity link: V = 1, d = (y - mu)^2.
/// y log(y/mu) is 0 at y = 0.
public enum GLMFamily: Sendable, Equatable {
  case poisson
  case negativeBinomial(theta: Double)
  case gaussian

  public var name: String {
    switch self {
    case .poisson: "poisson"
    case .negativeBinomial: "negative-binomial"
    case .gaussian: "gaussian"
    }
  }

  public var linkName: String { self == .gaussian ? "identity" : "log" }

  var usesLogLink: Bool { self != .gaussian }

  /// Whether the dispersion is fixed at 1 (Poisson, NB with known theta) or estimated (gaussian).
  var hasFixedDispersion: Bool { self != .gaussian }

  /// The largest |eta| passed to exp(): keeps mu finite for absurd offsets.
  static let etaLimit = 700.0

  @inline(__always)
  func inverseLink(_ eta: Double) -> Double {
    usesLogLink ? Foundation.exp(min(max(eta, -Self.etaLimit), Self.etaLimit)) : eta
  }

  @inline(__always)
  func link(_ mu: Double) -> Double { usesLogLink ? Foundation.log(mu) : mu }

  /// The IRLS weight factor (dmu/deta)^2 / V(mu) and d eta / d mu at mu.
  @inline(__always)
  func weightAndDerivative(_ mu: Double) -> (weight: Double, detaDmu: Double) {
    switch self {
    case .poisson: return (mu, 1 / mu)
    case .negativeBinomial(let theta): return (mu / (1 + mu / theta), 1 / mu)
    case .gaussian: return (1, 1)
    }
  }

  /// The unit deviance d(y, mu).
  @inline(__always)
  func unitDeviance(_ y: Double, _ mu: Double) -> Double {
    switch self {
    case .poisson:
      return 2 * ((y > 0 ? y * Foundation.log(y / mu) : 0) - (y - mu))
    case .negativeBinomial(let theta):
      let first = y > 0 ? y * Foundation.log(y / mu) : 0
      return 2 * (first - (y + theta) * Foundation.log((y + theta) / (mu + theta)))
    case .gaussian:
      let residual = y - mu
      return residual * residual
    }
  }

  /// The variance function V(mu), for Pearson residuals.
  @inline(__always)
  func variance(_ mu: Double) -> Double {
    switch self {
    case .poisson: return mu
    case .negativeBinomial(let theta): return mu + mu * mu / theta
    case .gaussian: return 1
    }
  }

  /// Whether y is in the family's support.
  func accepts(_ y: Double) -> Bool { self == .gaussian ? y.isFinite : (y.isFinite && y >= 0) }
}
