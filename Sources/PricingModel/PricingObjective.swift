/// What the multiplier policy maximises (docs/model.md, "The objective").
public enum PricingObjective: String, Sendable, Equatable, Codable, CaseIterable {
  /// Expected GMV: list price x multiplier x expected served bookings, served = min(demand, capacity).
  case gmv
  /// Expected utilisation brought to `target_utilisation` (the policy before the GMV objective).
  case utilisation
}
