import Foundation

/// Settings of the demand model's fit (the `[model]` section of the policy file).
public struct DemandModelConfig: Sendable, Equatable {
  /// Ridge lambda on the category x city pairs and the southern season deviations.
  public var interactionL2: Double = 5
  /// Pearson dispersion above which the negative binomial replaces the Poisson.
  public var overdispersionThreshold: Double = 1.5
  /// Elasticities are constrained to this interval (negative: demand falls as price rises).
  public var elasticityLower: Double = -3
  public var elasticityUpper: Double = -0.1
  /// Used when a category's price never varied (its elasticity is not identifiable).
  public var elasticityPrior: Double = -1
  public var maxIterations: Int = 100

  public init() {}
}

/// A category's price elasticity: d log(expected bookings) / d log(price / list price).
public struct Elasticity: Sendable, Equatable, Codable {
  public enum Source: String, Sendable, Codable {
    /// Estimated and inside the bounds.
    case fitted
    /// Estimated outside the bounds and clamped to the nearer one.
    case clamped
    /// Not identifiable (no price variation): the prior.
    case prior
  }
  public var category: String
  public var estimate: Double
  public var stdError: Double
  /// The unconstrained estimate (nil for the prior).
  public var raw: Double?
  public var source: Source
}

/// The additive parts of log(expected bookings per slot of capacity) for one cell at list price.
public struct DemandComponents: Sendable, Equatable {
  public var intercept = 0.0
  public var category = 0.0
  public var city = 0.0
  public var pair = 0.0
  public var weekday = 0.0
  public var season = 0.0
  public var experience = 0.0
  public var holiday = 0.0

  public var total: Double { intercept + category + city + pair + weekday + season + experience + holiday }
}

/// A fitted demand model: the GLM and the named effects read from it.
public struct FittedDemandModel: Sendable {
  public let features: DemandFeatures
  public let glm: GLMResult
  public let coefficients: [String: Double]
  public let elasticities: [Elasticity]
  /// gamma: log demand per year of mean provider experience, and its standard error.
  public let experienceEffect: Double
  public let experienceStdError: Double
  /// The bounds the elasticities were constrained to.
  public var elasticityRange: ClosedRange<Double> = -3 ... -0.1

  public func elasticity(of category: String) -> Elasticity? { elasticities.first { $0.category == category } }

  public func components(
    category: String, city: String, date: CalendarDay, southern: Bool, meanExperience: Double, holiday: Bool
  ) -> DemandComponents {
    func value(_ name: String) -> Double { coefficients[name] ?? 0 }
    var parts = DemandComponents()
    parts.intercept = value("(Intercept)")
    parts.category = value("category[\(category)]")
    parts.city = value("city[\(city)]")
    parts.pair = value("pair[\(DemandFeatures.pairLevel(category, city))]")
    parts.weekday = value("weekday[\(date.isoWeekday)]")
    let fourier = DemandFeatures.fourier(date)
    for k in 0..<4 {
      parts.season += fourier[k] * value("season.\(DemandFeatures.fourierNames[k])")
      parts.season += fourier[k] * value("season.\(DemandFeatures.fourierNames[k])[\(category)]")
      if southern { parts.season += fourier[k] * value("season_south.\(DemandFeatures.fourierNames[k])[\(category)]") }
    }
    parts.experience = experienceEffect * (meanExperience - 5)
    if holiday { parts.holiday = value("holiday") }
    return parts
  }

  /// Expected bookings of a cell at its price ratio (list price when the cell has none).
  public func predict(_ cell: DemandCell) -> Double {
    let parts = components(
      category: cell.category, city: cell.city, date: cell.date, southern: cell.southern,
      meanExperience: cell.meanExperience, holiday: cell.holiday)
    let slope = elasticity(of: cell.category)?.estimate ?? 0
    return cell.capacity * exp(parts.total + slope * (cell.logPriceRatio ?? 0))
  }
}

public enum DemandModel {
  /// Fits the model: Poisson, or the negative binomial when the Poisson fit is overdispersed; then
  /// constrains the elasticities (clamped to the bounds, the prior where the price never varied).
  public static func fit(_ cells: [DemandCell], features: DemandFeatures, config: DemandModelConfig = DemandModelConfig())
    throws -> FittedDemandModel
  {
    let usable = cells.filter { $0.capacity > 0 }
    guard !usable.isEmpty else {
      throw PricingModelError(code: .emptyData, message: "no cells with capacity to fit")
    }
    let data = try features.glmData(usable)
    var options = GLMOptions(family: .poisson, l2: config.interactionL2, maxIterations: config.maxIterations)
    var result = try GLM.fit(data, options: options)
    if result.pearsonDispersion > config.overdispersionThreshold {
      options.family = .negativeBinomial(theta: 1)
      result = try GLM.fit(data, options: options)
    }
    var coefficients: [String: Double] = [:]
    var errors: [String: Double] = [:]
    for coefficient in result.coefficients {
      coefficients[coefficient.name] = coefficient.estimate
      errors[coefficient.name] = coefficient.standardError
    }
    let elasticities = features.categories.map { category -> Elasticity in
      let name = "elasticity[\(category)]"
      guard let raw = coefficients[name], let error = errors[name], error.isFinite else {
        return Elasticity(
          category: category, estimate: config.elasticityPrior, stdError: .infinity, raw: nil, source: .prior)
      }
      let clamped = min(max(raw, config.elasticityLower), config.elasticityUpper)
      return Elasticity(
        category: category, estimate: clamped, stdError: error, raw: raw, source: clamped == raw ? .fitted : .clamped)
    }
    for elasticity in elasticities { coefficients["elasticity[\(elasticity.category)]"] = elasticity.estimate }
    return FittedDemandModel(
      features: features, glm: result, coefficients: coefficients, elasticities: elasticities,
      experienceEffect: coefficients["experience"] ?? 0, experienceStdError: errors["experience"] ?? .infinity,
      elasticityRange: config.elasticityLower...config.elasticityUpper)
  }
}
