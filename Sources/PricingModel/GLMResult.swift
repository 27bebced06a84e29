/// A fitted GLM: whether and how it converged, its fit statistics and coefficients.
public struct GLMResult: Sendable {
  /// One coefficient with its standard error.
  public struct Coefficient: Sendable, Equatable {
    public let name: String
    public let estimate: Double
    public let standardError: Double
  }

  /// A column left out of the fit, with the reason.
  public struct DroppedColumn: Sendable, Equatable {
    public let name: String
    public let reason: String
  }

  public let family: GLMFamily
  public let rowCount: Int
  public let iterations: Int
  public let converged: Bool
  /// Deviance of the fitted model (unpenalised), and of the intercept-only model with the same offset.
  public let deviance: Double
  public let nullDeviance: Double
  /// The dispersion used for standard errors: 1 for Poisson and negative binomial, Pearson chi^2 / (n - rank)
  /// for the gaussian family.
  public let dispersion: Double
  /// Pearson chi^2 / (n - rank): near 1 when the variance function fits; well above 1 signals overdispersion.
  public let pearsonDispersion: Double
  /// The negative binomial's theta (nil for other families).
  public let theta: Double?
  public let l2: Double
  /// The estimated coefficients in design order, without dropped columns.
  public let coefficients: [Coefficient]
  public let dropped: [DroppedColumn]
  /// Columns whose estimate runs away (separation: e.g. a level whose responses are all zero).
  public let diverging: [String]
  /// Plain-language notes: dropped columns, divergence, theta at its bound, non-convergence.
  public let warnings: [String]
  /// The fitted means mu of the rows (a warm start for a related fit, `GLMOptions.startingMean`).
  public var fittedMeans: [Double] = []

  /// The coefficient of a column, by name.
  public func coefficient(_ name: String) -> Coefficient? { coefficients.first { $0.name == name } }
}
