/// Which price variation identifies the elasticities (`model.elasticity_identification`; docs/model.md,
/// "Learning while pricing").
public enum ElasticityIdentification: String, Sendable, Equatable, CaseIterable, Codable {
  /// Days priced by a published table count only through its logged exploration factor; the rest of
  /// their price (the policy's answer to forecast demand) enters as a control of its own. Days before any
  /// published table (history) count through their whole price ratio, assumed exogenous.
  case exploration
  /// Every day's whole price ratio, as if all prices were set independently of demand (biased once the
  /// pipeline's own prices are in the data: kept for comparison).
  case allPrices = "all_prices"
}
