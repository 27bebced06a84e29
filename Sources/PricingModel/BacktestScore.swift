import Foundation

/// One candidate structure's rolling-origin backtest.
public struct BacktestScore: Sendable, Codable, Equatable {
  public struct Fold: Sendable, Codable, Equatable {
    /// The fold's first held-out day (ISO); it is fitted on the days before it only.
    public var origin: String
    public var wape: Double
    public var deviance_explained: Double
    /// The fold's bookings and the candidate's prediction of them.
    public var actual: Double
    public var predicted: Double
  }

  public var structure: String
  public var season_harmonics: Int
  public var category_weekday: Bool
  public var trend: Bool
  public var deviation_penalty: Double
  public var folds: [Fold]
  /// The mean WAPE over the folds (nil without folds).
  public var mean_wape: Double?
  /// Whether it was among the best on the most recent fold and so scored on every fold.
  public var finalist: Bool
  public var chosen: Bool
}
