/// How to fit a GLM.
public struct GLMOptions: Sendable {
  /// Which family to fit. For `negativeBinomial`, `theta` is the starting point unless `estimateTheta`.
  public var family: GLMFamily
  /// Estimate the negative binomial's theta by alternating maximum likelihood (ignored for other families).
  public var estimateTheta: Bool
  /// Ridge penalty lambda: the fit minimises deviance/2 + (lambda/2) sum_{j != intercept} beta_j^2.
  public var l2: Double
  /// Iteration limit of the IRLS loop (per inner fit for the negative binomial).
  public var maxIterations: Int
  /// Convergence: |D_new - D_old| / (|D_new| + 0.1) < tolerance on the penalised deviance
  /// (the rule of R's `glm.control`).
  public var tolerance: Double
  /// Rows per partial sum of X'WX; partial sums are added in block order, so results do not depend on
  /// how many threads computed them.
  public var blockSize: Int
  /// Threads for the partial sums (1 = serial).
  public var threads: Int
  /// Means to start IRLS from (one per row, positive; nil: from the response): a warm start from a related
  /// fit of the same rows. A converged solution does not depend on it, only the iterations to reach it (a
  /// fit stopped early, as the censored EM's partial steps are, does).
  public var startingMean: [Double]?
  /// Compute standard errors (the inverse of the information matrix); false leaves them NaN (a fit whose
  /// predictions alone are used, as in backtests).
  public var standardErrors = true

  public init(
    family: GLMFamily = .poisson, estimateTheta: Bool = true, l2: Double = 0, maxIterations: Int = 100,
    tolerance: Double = 1e-10, blockSize: Int = 32_768, threads: Int = 2
  ) {
    self.family = family
    self.estimateTheta = estimateTheta
    self.l2 = l2
    self.maxIterations = maxIterations
    self.tolerance = tolerance
    self.blockSize = blockSize
    self.threads = threads
  }
}
