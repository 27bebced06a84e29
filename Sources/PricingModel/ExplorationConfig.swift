/// Budgeted price exploration (the `[explore]` settings; docs/model.md, "Learning while pricing").
///
/// For a share of the priced category x city x day cells, the policy's multiplier is moved by a random
/// factor, the same for every band and every customer of the cell, so that the demand model can measure
/// how demand answers price on the pipeline's own prices. The factor's log is uniform on
/// [-log(1 + maxPerturbation), log(1 + maxPerturbation)], drawn from `seed` and the cell alone (the same
/// cell and day get the same draw in every run), scaled by how uncertain the category's elasticity still is
/// (`PriceExploration.uncertaintyScale`), kept inside the bounds and the daily-change limit, and scaled down
/// until its expected GMV cost is at most `maxCost` of the table's expected GMV.
public struct ExplorationConfig: Sendable, Equatable, Codable {
  /// Share of the cells explored, in [0, 1] (0: off).
  public var share: Double = 0.5
  /// Largest relative move, in [0, 1) and at most the bounds' width (max - min multiplier). Nil (not set):
  /// `defaultMaxPerturbation`, or the bounds' width where that is narrower, so that tightened bounds narrow
  /// the moves instead of refusing the settings.
  public var max_perturbation: Double?
  public static let defaultMaxPerturbation = 0.3
  /// Largest expected GMV cost, as a share of the table's expected GMV, in [0, 1].
  public var max_cost: Double = 0.01
  /// Seed of the draws (stored with each run).
  public var seed: UInt64 = 1

  public init() {}

  /// No exploration (runs stored before exploration existed read as this).
  public static let off: ExplorationConfig = {
    var config = ExplorationConfig()
    config.share = 0
    return config
  }()

  public var isOn: Bool { share > 0 && (max_perturbation ?? Self.defaultMaxPerturbation) > 0 }

  /// The largest relative move under bounds `boundsWidth` wide.
  public func maxPerturbation(boundsWidth: Double) -> Double {
    max_perturbation ?? min(Self.defaultMaxPerturbation, max(0, boundsWidth))
  }

  /// The first problem with the settings, naming the setting (without its section), or nil.
  public func problem(boundsWidth: Double) -> String? {
    if !(share >= 0 && share <= 1) { return "share must be in [0, 1]" }
    if let max_perturbation {
      if !(max_perturbation >= 0 && max_perturbation < 1) { return "max_perturbation must be in [0, 1)" }
      if max_perturbation > boundsWidth + 1e-12 {
        return String(
          format: "max_perturbation must not exceed the bounds' width %.4g (max_multiplier - min_multiplier)", boundsWidth)
      }
    }
    if !(max_cost >= 0 && max_cost <= 1) { return "max_cost must be in [0, 1]" }
    return nil
  }
}
