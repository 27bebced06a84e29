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
  /// Treat sold-out cells (bookings reached the slots) as censored: their demand is at least the bookings.
  public var censorSoldOut = true
  /// Choose the structure (the harmonics and the deviations' penalty) by rolling-origin backtests; false:
  /// `structure` as given.
  public var selectStructure = true
  /// The structure when `selectStructure` is false (and the backtests' fallback when the history is too
  /// short for any fold).
  public var structure = DemandStructure(seasonHarmonics: 4)
  /// Fits whose predictions alone are used (true in backtests): no standard errors, and IRLS stops at a
  /// relative deviance change of 1e-7.
  public var forPredictionOnly = false
  /// Rolling-origin folds of `foldDays` days each before the holdout.
  public var backtestFolds = 3
  /// Candidates scored on every fold; the others only on the most recent one (successive halving).
  public var backtestFinalists = 2
  public var foldDays = 28
  /// Which price variation identifies the elasticities.
  public var elasticityIdentification = ElasticityIdentification.exploration
  /// With days priced by published tables in the data (`exploration`): an elasticity whose standard error
  /// exceeds this is not used; the prior is, until exploration has gathered enough.
  public var elasticityMaxStdError = 0.25

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
  /// With days priced by published tables in the data: the days their logged exploration moved this
  /// category's price, the data's own standard error (also when the prior is used instead), and the
  /// explored days still needed for a standard error of `targetStdError` (nil: none explored yet, or
  /// none needed).
  public var exploredDays: Int?
  public var dataStdError: Double?
  public var daysNeeded: Int?

  public init(
    category: String, estimate: Double, stdError: Double, raw: Double?, source: Source, exploredDays: Int? = nil,
    dataStdError: Double? = nil, daysNeeded: Int? = nil
  ) {
    self.category = category
    self.estimate = estimate
    self.stdError = stdError
    self.raw = raw
    self.source = source
    self.exploredDays = exploredDays
    self.dataStdError = dataStdError
    self.daysNeeded = daysNeeded
  }

  /// The standard error at which an elasticity is within 0.15 of the truth with 95% confidence.
  public static let targetStdError = 0.15 / 1.959964

  /// The largest number of days `daysNeeded` reports (ten years): more says only that exploration this thin
  /// will not get there.
  public static let maxDaysNeeded = 3_650

  /// Explored days still needed to bring `stdError` (from `exploredDays` days) to `targetStdError`, as
  /// the variance falls with the days explored; 0 when it is there, nil when nothing was explored.
  public static func daysNeeded(stdError: Double, exploredDays: Int) -> Int? {
    guard exploredDays > 0, stdError.isFinite, stdError > 0 else { return nil }
    let ratio = stdError / targetStdError
    return max(0, Int(min(Double(maxDaysNeeded), (Double(exploredDays) * (ratio * ratio - 1)).rounded(.up))))
  }
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
  /// The holiday and the event calendar's effects in force.
  public var holiday = 0.0
  public var trend = 0.0

  public var total: Double {
    intercept + category + city + pair + weekday + season + experience + holiday + trend
  }
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
  /// Sold-out cells fitted as censored (their demand at least their bookings).
  public var censoredCells = 0
  /// Whether the slots bound bookings (`DemandModel.capacityBinds`): observed bookings are then predicted
  /// as the expected sales min(demand, slots).
  public var boundByCapacity = false

  /// The dispersion of demand around the forecast for expected sales and intervals (NB2 size; nil:
  /// Poisson). The fit's own theta; the fit command sets the backtests' out-of-sample one.
  public var forecastTheta: Double?

  /// The bookings a cell is expected to record: its demand, or with bound capacity the expected sales
  /// E[min(demand, slots)].
  public func predictObserved(_ cell: DemandCell) -> Double { observed(demand: predict(cell), cell: cell) }

  /// The bookings a cell with this expected demand is expected to record (`predictObserved` when the
  /// demand is already known).
  public func observed(demand: Double, cell: DemandCell) -> Double {
    guard boundByCapacity else { return demand }
    return PredictiveDistribution(mu: demand, theta: forecastTheta).expectedMinimum(cell.slots)
  }

  public func elasticity(of category: String) -> Elasticity? { elasticities.first { $0.category == category } }

  public func components(
    category: String, city: String, date: CalendarDay, southern: Bool, meanExperience: Double, holiday: Bool,
    events: [String] = []
  ) -> DemandComponents {
    func value(_ name: String) -> Double { coefficients[name] ?? 0 }
    var parts = DemandComponents()
    parts.intercept = value("(Intercept)")
    parts.category = value("category[\(category)]")
    parts.city = value("city[\(city)]")
    parts.pair = value("pair[\(DemandFeatures.pairLevel(category, city))]")
    parts.weekday = value("weekday[\(date.isoWeekday)]")
      + value("weekday_by_category[\(DemandFeatures.weekdayLevel(category, date.isoWeekday))]")
    let harmonics = features.structure.seasonHarmonics
    let names = DemandFeatures.fourierNames(harmonics: harmonics)
    let fourier = DemandFeatures.fourier(date, harmonics: harmonics)
    for k in names.indices {
      parts.season += fourier[k] * value("season.\(names[k])")
      parts.season += fourier[k] * value("season.\(names[k])[\(category)]")
      if southern { parts.season += fourier[k] * value("season_south.\(names[k])[\(category)]") }
    }
    if features.structure.trend {
      let years = features.trendValue(date)
      parts.trend = years * (value("trend") + value("trend[\(category)]"))
    }
    parts.experience = experienceEffect * (meanExperience - 5)
    if holiday { parts.holiday = value("holiday") }
    for group in events { parts.holiday += value("event.\(group)[\(category)]") }
    return parts
  }

  /// Expected bookings of a cell at its price ratio (list price when the cell has none).
  public func predict(_ cell: DemandCell) -> Double {
    let parts = components(
      category: cell.category, city: cell.city, date: cell.date, southern: cell.southern,
      meanExperience: cell.meanExperience, holiday: cell.holiday, events: cell.events)
    let slope = elasticity(of: cell.category)?.estimate ?? 0
    if features.separatesPipelinePrices, let explored = cell.logExploration {
      // A day priced by a published table: its exploration answered by the elasticity, the rest of its price
      // by the control it was fitted with.
      let control = coefficients["pipeline_price[\(cell.category)]"] ?? 0
      return cell.capacity * exp(parts.total + slope * explored + control * (cell.logPipelinePrice ?? 0))
    }
    return cell.capacity * exp(parts.total + slope * (cell.logPriceRatio ?? 0))
  }
}

public enum DemandModel {
  /// Fits the model: Poisson, or the negative binomial when the Poisson fit is overdispersed; then
  /// constrains the elasticities (clamped to the bounds, the prior where the price never varied).
  ///
  /// `startingMean`: the fitted means of an earlier fit of the same cells (`glm.fittedMeans`), a warm start.
  public static func fit(
    _ cells: [DemandCell], features: DemandFeatures, config: DemandModelConfig = DemandModelConfig(),
    startingMean: [Double]? = nil
  ) throws -> FittedDemandModel {
    let usable = cells.filter { $0.capacity > 0 }
    guard !usable.isEmpty else {
      throw PricingModelError(code: .emptyData, message: "no cells with capacity to fit")
    }
    var data = try features.glmData(usable)
    var options = GLMOptions(family: .poisson, l2: config.interactionL2, maxIterations: config.maxIterations)
    options.startingMean = startingMean
    if config.forPredictionOnly {
      options.standardErrors = false
      options.tolerance = 1e-7
    }
    // Sold-out days: demand is at least the bookings. Generalised EM for the censored likelihood: each
    // sold-out cell's response becomes its expected demand given that it reached its bookings under the
    // current means (Poisson or NB2 tail), and the model takes a few IRLS iterations from those means, until
    // the expectations settle; the last fit is a full one. A warm start (the means of a related fit of the
    // same cells) starts the expectations from it.
    let bound = config.censorSoldOut && Self.capacityBinds(usable)
    let censored = bound ? usable.indices.filter { usable[$0].soldOut } : []
    /// Sets the censored responses to their expectations under `means`; `relaxation` > 1 over-relaxes the
    /// step (EM creeps when much is censored), never below the bookings.
    func imputeCensored(means: [Double], theta: Double?, relaxation: Double = 1) -> Double {
      var change = 0.0
      for index in censored {
        let expected = PredictiveDistribution(mu: means[index], theta: theta).meanAtLeast(usable[index].bookings)
        change = max(change, abs(expected - data.response[index]) / max(1, expected))
        let step = data.response[index] + relaxation * (expected - data.response[index])
        data.response[index] = max(usable[index].bookings, step)
      }
      return change
    }
    if !censored.isEmpty, let startingMean, startingMean.count == usable.count {
      _ = imputeCensored(means: startingMean, theta: nil)
    }
    var result = try GLM.fit(data, options: options)
    if result.pearsonDispersion > config.overdispersionThreshold {
      options.family = .negativeBinomial(theta: 1)
      options.startingMean = result.fittedMeans
      result = try GLM.fit(data, options: options)
    }
    if !censored.isEmpty {
      let rounds = config.forPredictionOnly ? 3 : Self.censoringRounds
      var partial = options
      partial.maxIterations = min(options.maxIterations, 3)
      partial.standardErrors = false
      // The tail's dispersion: the fit's theta, else (a Poisson fit) the NB2 size of the days that did not
      // sell out around their means; a Poisson tail on overdispersed demand under-imputes busy days, and
      // those are the cheap ones, which would flatten the elasticities.
      // Only days with five slots or more: on a day of one slot the open days are the days of no booking,
      // and their dispersion says nothing of demand's (it would be all but infinite).
      let open = usable.indices.filter { !usable[$0].soldOut && usable[$0].slots >= 5 }
      for round in 0..<rounds {
        let theta =
          result.theta
          ?? (open.count < 1_000
            ? nil
            : PredictiveDistribution.outOfSampleTheta(
              actual: open.map { data.response[$0] }, predicted: open.map { result.fittedMeans[$0] }).map { max($0, 1) })
        let change = imputeCensored(means: result.fittedMeans, theta: theta, relaxation: Self.overRelaxation)
        let last = round == rounds - 1 || change < 0.01
        var step = last ? options : partial
        step.startingMean = result.fittedMeans
        result = try GLM.fit(data, options: step)
        if last { break }
      }
    }
    let censoredCells = censored.count
    var coefficients: [String: Double] = [:]
    var errors: [String: Double] = [:]
    for coefficient in result.coefficients {
      coefficients[coefficient.name] = coefficient.estimate
      errors[coefficient.name] = coefficient.standardError
    }
    let exploredDays = features.separatesPipelinePrices ? Self.exploredDays(usable) : [:]
    let elasticities = features.categories.map { category -> Elasticity in
      let name = "elasticity[\(category)]"
      let days = features.separatesPipelinePrices ? exploredDays[category] ?? 0 : nil
      guard let raw = coefficients[name], let error = errors[name], error.isFinite || config.forPredictionOnly else {
        return Elasticity(
          category: category, estimate: config.elasticityPrior, stdError: .infinity, raw: nil, source: .prior,
          exploredDays: days)
      }
      let needed = days.flatMap { Elasticity.daysNeeded(stdError: error, exploredDays: $0) }
      if features.separatesPipelinePrices, !config.forPredictionOnly, !(error <= config.elasticityMaxStdError) {
        // Too thin to price on: the prior, with the data's estimate and standard error kept beside it.
        return Elasticity(
          category: category, estimate: config.elasticityPrior, stdError: .infinity, raw: raw, source: .prior,
          exploredDays: days, dataStdError: error, daysNeeded: needed)
      }
      let clamped = min(max(raw, config.elasticityLower), config.elasticityUpper)
      return Elasticity(
        category: category, estimate: clamped, stdError: error, raw: raw, source: clamped == raw ? .fitted : .clamped,
        exploredDays: days, dataStdError: days == nil ? nil : error, daysNeeded: needed)
    }
    for elasticity in elasticities { coefficients["elasticity[\(elasticity.category)]"] = elasticity.estimate }
    return FittedDemandModel(
      features: features, glm: result, coefficients: coefficients, elasticities: elasticities,
      experienceEffect: coefficients["experience"] ?? 0, experienceStdError: errors["experience"] ?? .infinity,
      elasticityRange: config.elasticityLower...config.elasticityUpper, censoredCells: censoredCells,
      boundByCapacity: bound, forecastTheta: result.theta)
  }

  /// Whether the cells' slots bound their bookings: some days sold out, and (almost) none sold more than
  /// its slots. A market whose days exceed their slots (slots are a weekly capacity averaged over days) is
  /// not bound by them, and its sold-out days are not censored.
  public static func capacityBinds(_ cells: [DemandCell]) -> Bool {
    var atSlots = 0
    var above = 0
    for cell in cells where cell.soldOut {
      atSlots += 1
      if cell.bookings > cell.slots { above += 1 }
    }
    return atSlots > 0 && Double(above) <= 0.01 * Double(atSlots)
  }

  /// The distinct days on which logged exploration moved each category's price.
  static func exploredDays(_ cells: [DemandCell]) -> [String: Int] {
    var days: [String: Set<Int>] = [:]
    for cell in cells where (cell.logExploration ?? 0) != 0 {
      days[cell.category, default: []].insert(cell.date.daysSinceEpoch)
    }
    return days.mapValues(\.count)
  }

  /// EM rounds of the censored likelihood (each a refit).
  static let censoringRounds = 10
  /// The censored EM's over-relaxation (1 is plain EM).
  static let overRelaxation = 1.5
}
