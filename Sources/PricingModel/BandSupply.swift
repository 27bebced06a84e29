/// The active providers of one experience band in a future cell (category x city x day): what they can
/// serve and at what list price.
///
/// The fit reads it from the warehouse (docs/model.md, "Bands"): slots per day are the band's providers'
/// weekly capacity / 7, the mean experience and the list price are weighted by capacity, the currency is
/// the offers' (one per city in practice; the first in sort order when a city mixes them).
public struct BandSupply: Sendable, Equatable {
  public var band: String
  /// Bookable slots per day.
  public var capacity: Double
  /// Capacity-weighted mean years of experience.
  public var meanExperience: Double
  /// Capacity-weighted mean list price, in `currency`; nil when unknown.
  public var listPrice: Double?
  public var currency: String?

  public init(band: String, capacity: Double, meanExperience: Double, listPrice: Double?, currency: String?) {
    self.band = band
    self.capacity = capacity
    self.meanExperience = meanExperience
    self.listPrice = listPrice
    self.currency = currency
  }
}
