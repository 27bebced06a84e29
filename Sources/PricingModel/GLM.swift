import Foundation

/// Generalized linear models fitted by iteratively reweighted least squares (Fisher scoring).
///
/// Notation of McCullagh & Nelder, *Generalized Linear Models*, 2nd ed., 1989, section 2.5: for the linear
/// predictor eta = X beta + offset and mean mu = g^-1(eta), each iteration forms the working weights
/// w_i = a_i (dmu/deta)^2 / V(mu_i) (a_i: prior weight) and the working response
/// z_i = eta_i - offset_i + (y_i - mu_i) deta/dmu, and solves the penalised normal equations
///
///     (X'WX + lambda P) beta = X'Wz,    P = diag(0, p_1, ..., p_k)  (the intercept is not penalised;
///                                        p_j = the column's penalty factor, 1 unless the design says otherwise)
///
/// by Cholesky (`Cholesky`, rank-revealing: a column dependent on earlier ones is dropped and reported).
/// This minimises D(beta)/2 + (lambda/2) sum_{j>0} beta_j^2, D the deviance, i.e. minus the
/// log-likelihood (unit dispersion) plus the ridge term. If the penalised deviance rises (or is not
/// finite), the step is halved, up to 30 times. Convergence: |D_t - D_{t-1}| / (|D_t| + 0.1) < tolerance.
/// Standard errors: sqrt of the diagonal of phi (X'WX + lambda P)^-1 at the final weights, phi = 1 for
/// Poisson and negative binomial and Pearson chi^2 / (n - rank) for the gaussian family.
///
/// The negative binomial's theta is estimated by alternating maximum likelihood (`ThetaEstimator` for
/// theta given mu, IRLS for beta given theta) until theta settles, as in `MASS::glm.nb`.
///
/// Edge cases: no rows, non-finite or out-of-domain values throw `PricingModelError` naming the row;
/// constant and duplicate columns are dropped (or, with lambda > 0, kept and reported); a coefficient
/// that runs away because its column separates the data (a level whose responses are all zero under a
/// log link) stays finite (IRLS stops when the deviance no longer changes) and is listed in `diverging`;
/// with a ridge penalty it converges to a finite value. Non-convergence within `maxIterations` is
/// reported in `converged`, never thrown.
public enum GLM {
  public static func fit(_ data: GLMData, options: GLMOptions = GLMOptions()) throws -> GLMResult {
    try data.validate(for: options.family)
    var options = options
    if let start = options.startingMean,
      start.count != data.design.rowCount || !start.allSatisfy({ $0 > 0 && $0.isFinite })
    {
      options.startingMean = nil
    }
    var warnings: [String] = []
    if case .negativeBinomial(let startTheta) = options.family {
      guard startTheta > 0 || options.estimateTheta else {
        throw PricingModelError(code: .invalidValue, message: "theta must be positive")
      }
      if options.estimateTheta {
        return try fitNegativeBinomial(data, options: options, warnings: &warnings)
      }
    }
    let inner = irls(data, family: options.family, options: options, start: options.startingMean)
    return finish(data, inner: inner, family: options.family, options: options, theta: nil, totalIterations: inner.iterations,
                  warnings: warnings)
  }

  // MARK: - Negative binomial: alternate theta and beta

  private static func fitNegativeBinomial(_ data: GLMData, options: GLMOptions, warnings: inout [String]) throws
    -> GLMResult
  {
    let estimator = ThetaEstimator(response: data.response, weights: data.weights)
    var inner = irls(data, family: .poisson, options: options, start: options.startingMean)
    var total = inner.iterations
    var estimate = estimator.estimate(mu: inner.mu, start: nil)
    var theta = estimate.theta
    for _ in 0..<50 {
      inner = irls(data, family: .negativeBinomial(theta: theta), options: options, start: inner.mu)
      total += inner.iterations
      estimate = estimator.estimate(mu: inner.mu, start: theta)
      let change = abs(estimate.theta - theta) / theta
      theta = estimate.theta
      if change < 1e-9 || estimate.reachedBound { break }
    }
    inner = irls(data, family: .negativeBinomial(theta: theta), options: options, start: inner.mu)
    total += inner.iterations
    if estimate.reachedBound {
      warnings.append("theta reached its bound \(ThetaEstimator.maximum): no overdispersion, the fit is Poisson")
    }
    return finish(data, inner: inner, family: .negativeBinomial(theta: theta), options: options, theta: theta,
                  totalIterations: total, warnings: warnings)
  }

  // MARK: - IRLS

  struct Inner {
    var beta: [Double]
    var eta: [Double]
    var mu: [Double]
    var deviance: Double
    var iterations: Int
    var converged: Bool
    var aliased: [Int]
    /// Columns that are collinear but kept identified by the ridge penalty.
    var collinearUnderRidge: [Int]
    var stepFailed: Bool
  }

  static func irls(_ data: GLMData, family: GLMFamily, options: GLMOptions, start: [Double]?) -> Inner {
    let design = data.design
    let n = design.rowCount
    let p = design.columnCount
    let y = data.response
    let prior = data.weights
    let equations = NormalEquations(design: design, blockSize: options.blockSize, threads: options.threads)
    let lambda = options.l2

    var mu: [Double]
    if let start {
      mu = start
    } else if family == .gaussian {
      mu = y
    } else {
      var weightSum = 0.0
      var weightedSum = 0.0
      for i in 0..<n {
        let a = prior?[i] ?? 1
        weightSum += a
        weightedSum += a * y[i]
      }
      let mean = weightedSum / weightSum
      mu = y.map { mean > 0 ? ($0 + mean) / 2 : $0 + 0.1 }
    }
    var eta = mu.map { family.link($0) }
    var weights = [Double](repeating: 0, count: n)
    var working = [Double](repeating: 0, count: n)
    var beta = [Double](repeating: 0, count: p)
    var aliased: [Int]?
    var collinear: [Int] = []
    var previousDeviance = Double.infinity
    var deviance = Double.infinity
    var converged = false
    var stepFailed = false
    var iteration = 0

    func updateWorking() {
      for i in 0..<n {
        let (factor, derivative) = family.weightAndDerivative(mu[i])
        weights[i] = (prior?[i] ?? 1) * factor
        working[i] = eta[i] - (data.offset?[i] ?? 0) + (y[i] - mu[i]) * derivative
      }
    }
    func penalisedDeviance(_ candidate: [Double]) -> Double {
      equations.linearPredictor(candidate, offset: data.offset, into: &eta)
      var total = 0.0
      for i in 0..<n {
        mu[i] = family.inverseLink(eta[i])
        total += (prior?[i] ?? 1) * family.unitDeviance(y[i], mu[i])
      }
      var penalty = 0.0
      for j in 1..<max(1, p) { penalty += design.penaltyFactors[j] * candidate[j] * candidate[j] }
      return total + lambda * penalty
    }

    while iteration < options.maxIterations {
      iteration += 1
      updateWorking()
      var (matrix, rhs) = equations.accumulate(weights: weights, workingResponse: working)
      if aliased == nil && lambda > 0 {
        collinear = Cholesky.factorDroppingDependent(matrix).aliased
      }
      for j in 1..<max(1, p) { matrix[j, j] += lambda * design.penaltyFactors[j] }
      if let fixed = aliased {
        for j in fixed {
          for k in 0..<p {
            matrix[j, k] = 0
            matrix[k, j] = 0
          }
          matrix[j, j] = 1
          rhs[j] = 0
        }
      }
      let factor = Cholesky.factorDroppingDependent(matrix)
      aliased = Array(Set((aliased ?? []) + factor.aliased)).sorted()
      var candidate = factor.solve(rhs)
      for j in aliased! { candidate[j] = 0 }
      var candidateDeviance = penalisedDeviance(candidate)
      if iteration > 1 {
        // A rise smaller than the convergence tolerance is round-off, not divergence.
        func rises(_ value: Double) -> Bool {
          !value.isFinite || value - previousDeviance > options.tolerance * (abs(previousDeviance) + 0.1)
        }
        var halvings = 0
        while rises(candidateDeviance) {
          if halvings == 30 { break }
          halvings += 1
          for j in 0..<p { candidate[j] = (candidate[j] + beta[j]) / 2 }
          candidateDeviance = penalisedDeviance(candidate)
        }
        if rises(candidateDeviance) {
          // Cannot improve on the previous step: keep it and stop.
          _ = penalisedDeviance(beta)
          stepFailed = true
          break
        }
      }
      beta = candidate
      deviance = candidateDeviance
      if iteration > 1 && abs(deviance - previousDeviance) / (abs(deviance) + 0.1) < options.tolerance {
        converged = true
        break
      }
      previousDeviance = deviance
    }
    var penalty = 0.0
    for j in 1..<max(1, p) { penalty += design.penaltyFactors[j] * beta[j] * beta[j] }
    return Inner(
      beta: beta, eta: eta, mu: mu, deviance: deviance - lambda * penalty, iterations: iteration,
      converged: converged, aliased: aliased ?? [], collinearUnderRidge: collinear, stepFailed: stepFailed)
  }

  // MARK: - Result

  private static func finish(
    _ data: GLMData, inner: Inner, family: GLMFamily, options: GLMOptions, theta: Double?, totalIterations: Int,
    warnings: [String]
  ) -> GLMResult {
    let design = data.design
    let n = design.rowCount
    let p = design.columnCount
    let y = data.response
    var warnings = warnings
    let equations = NormalEquations(design: design, blockSize: options.blockSize, threads: options.threads)

    // Information at the final weights.
    var weights = [Double](repeating: 0, count: n)
    var pearson = 0.0
    var rowsWithWeight = 0
    for i in 0..<n {
      let prior = data.weights?[i] ?? 1
      if prior > 0 { rowsWithWeight += 1 }
      weights[i] = prior * family.weightAndDerivative(inner.mu[i]).weight
      let residual = y[i] - inner.mu[i]
      pearson += prior * residual * residual / family.variance(inner.mu[i])
    }
    var (information, _) = equations.accumulate(weights: weights, workingResponse: weights)
    for j in 1..<max(1, p) { information[j, j] += options.l2 * design.penaltyFactors[j] }
    for j in inner.aliased {
      for k in 0..<p {
        information[j, k] = 0
        information[k, j] = 0
      }
      information[j, j] = 1
    }
    let factor = Cholesky.factorDroppingDependent(information)
    let covariance = options.standardErrors ? factor.inverse() : nil
    let rank = p - inner.aliased.count
    let residualDegrees = max(1, rowsWithWeight - rank)
    let pearsonDispersion = pearson / Double(residualDegrees)
    let dispersion = family.hasFixedDispersion ? 1 : pearsonDispersion

    // Dropped columns and their reasons.
    let aliasedSet = Set(inner.aliased + factor.aliased)
    var dropped: [GLMResult.DroppedColumn] = []
    for j in aliasedSet.sorted() {
      dropped.append(.init(name: design.columnNames[j], reason: reason(forAliased: j, in: design)))
    }
    if !dropped.isEmpty {
      warnings.append("dropped \(dropped.count) column(s): " + dropped.map { "\($0.name) (\($0.reason))" }.joined(separator: ", "))
    }
    if !inner.collinearUnderRidge.isEmpty {
      let names = inner.collinearUnderRidge.map { design.columnNames[$0] }.joined(separator: ", ")
      warnings.append("collinear column(s) \(names) kept identified by the ridge penalty")
    }

    // Separation: a log-link level whose responses are all zero pulls its coefficient to -infinity.
    var diverging: [String] = []
    if family.usesLogLink {
      if y.allSatisfy({ $0 == 0 }) {
        diverging.append(design.columnNames[0])
        warnings.append("every response is zero: the intercept diverges to -infinity")
      }
      for categorical in design.categoricals where categorical.values == nil {
        var totals = [Double](repeating: 0, count: categorical.levels.count)
        var seen = [Bool](repeating: false, count: categorical.levels.count)
        for i in 0..<n where (data.weights?[i] ?? 1) > 0 {
          let code = Int(categorical.codes[i])
          totals[code] += y[i]
          seen[code] = true
        }
        for level in 1..<max(1, categorical.levels.count) where seen[level] && totals[level] == 0 {
          let column = categorical.firstColumn + level - 1
          if !aliasedSet.contains(column) && options.l2 == 0 { diverging.append(design.columnNames[column]) }
        }
      }
      if !diverging.isEmpty && options.l2 == 0 && !y.allSatisfy({ $0 == 0 }) {
        warnings.append("separation: the estimates of \(diverging.joined(separator: ", ")) diverge (every response is zero where they apply)")
      }
    }
    if !inner.converged {
      warnings.append(
        inner.stepFailed
          ? "IRLS stopped after \(inner.iterations) iterations: step-halving could not reduce the deviance"
          : "IRLS did not converge within \(options.maxIterations) iterations")
    }

    let coefficients = (0..<p).filter { !aliasedSet.contains($0) }.map { j in
      GLMResult.Coefficient(
        name: design.columnNames[j], estimate: inner.beta[j],
        standardError: covariance.map { (dispersion * $0[j, j]).squareRoot() } ?? .nan)
    }
    let null = nullDeviance(data, family: family, options: options)
    return GLMResult(
      family: family, rowCount: n, iterations: totalIterations, converged: inner.converged, deviance: inner.deviance,
      nullDeviance: null, dispersion: dispersion, pearsonDispersion: pearsonDispersion, theta: theta, l2: options.l2,
      coefficients: coefficients, dropped: dropped, diverging: diverging, warnings: warnings, fittedMeans: inner.mu)
  }

  /// The deviance of the intercept-only model with the same offset, weights and family.
  private static func nullDeviance(_ data: GLMData, family: GLMFamily, options: GLMOptions) -> Double {
    let null = GLMData(
      design: SparseDesign(rowCount: data.design.rowCount), response: data.response, offset: data.offset,
      weights: data.weights)
    var nullOptions = options
    nullOptions.l2 = 0
    return irls(null, family: family, options: nullOptions, start: nil).deviance
  }

  private static func reason(forAliased column: Int, in design: SparseDesign) -> String {
    if column == 0 { return "intercept not identifiable" }
    if let numeric = design.numerics.first(where: { $0.column == column }) {
      if let first = numeric.values.first, numeric.values.allSatisfy({ $0 == first }) {
        return first == 0 ? "all zero" : "constant (collinear with the intercept)"
      }
      return "collinear with earlier columns"
    }
    if let categorical = design.categoricals.first(where: {
      column >= $0.firstColumn && column < $0.firstColumn + $0.levels.count - 1
    }) {
      let code = Int32(column - categorical.firstColumn + 1)
      if !categorical.codes.contains(code) { return "level never observed" }
      if let values = categorical.values,
        zip(categorical.codes, values).allSatisfy({ $0.0 != code || $0.1 == 0 })
      {
        return "all zero"
      }
    }
    return "collinear with earlier columns"
  }
}
