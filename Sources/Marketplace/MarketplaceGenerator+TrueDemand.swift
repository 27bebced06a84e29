import Foundation
import Postgres

extension MarketplaceGenerator {
  /// An experience band as the warehouse defines it: years in [minYears, maxYears).
  public struct BandDefinition: Sendable, Equatable {
    public var name: String
    public var minYears: Double
    public var maxYears: Double?

    public init(name: String, minYears: Double, maxYears: Double?) {
      self.name = name
      self.minYears = minYears
      self.maxYears = maxYears
    }

    func contains(_ years: Double) -> Bool { years >= minYears && (maxYears.map { years < $0 } ?? true) }
  }

  /// One band of one category x city on one day, under the true demand: what the seeded market would book
  /// at list price, what its providers can serve, and at what price.
  public struct TrueBandCell: Sendable, Equatable {
    public var category: String
    public var city: String
    public var band: String
    public var date: LocalDate
    public var currency: String
    /// Expected bookings at list price (multiplier 1) of this band: the cell's true demand times the band's
    /// share of the choice weights (capacity x exp(gamma x years)).
    public var demand: Double
    /// Slots per day of the band's active providers.
    public var capacity: Double
    /// The list price of a booking in this band, weighted as customers choose providers.
    public var listPrice: Double
    public var elasticity: Double
  }

  /// The true demand of every category x city x band and local day in [from, through] (docs/synthetic-
  /// marketplace.md): lambda = capacity x exp(alpha_c + beta_k + s_c + w_dow + gamma (meanYears - 5)) at
  /// list price, split between bands as customers choose providers. A band without active providers has
  /// no capacity and no demand. A multiplier m scales a band's demand by m^e (e the category's elasticity);
  /// GMV = list price x m x min(demand x m^e, capacity).
  public func trueBandCells(from: LocalDate, through: LocalDate, bands: [BandDefinition]) -> [TrueBandCell] {
    let gamma = MarketplaceCatalog.experienceEffectPerYear
    var result: [TrueBandCell] = []
    guard from <= through else { return [] }
    for day in from.daysSinceEpoch...through.daysSinceEpoch {
      let date = LocalDate(daysSinceEpoch: day)
      for (categoryIndex, category) in categories.enumerated() {
        for (cityIndex, city) in cities.enumerated() {
          let active = providersByCell[cellIndex(category: categoryIndex, city: cityIndex)].filter {
            $0.status == "active" && ($0.onboardDay.map { $0 <= day } ?? false)
          }
          let weekly = active.reduce(0) { $0 + Double($1.weeklyCapacity) }
          let season = MarketplaceCatalog.season(
            MarketplaceCatalog.seasonCoefficients(category, southern: city.southern), dayOfYear: date.dayOfYear)
          let meanYears = weekly > 0 ? active.reduce(0) { $0 + Double($1.weeklyCapacity) * $1.years } / weekly : 0
          let eta = category.base + city.effect + season
            + shapeEffect(category: categoryIndex, city: cityIndex, day: day, isoWeekday: date.isoWeekday)
            + gamma * (meanYears - MarketplaceCatalog.experienceCentre)
          let cellDemand = weekly > 0 ? weekly / 7 * Foundation.exp(eta) : 0
          func weight(_ plan: ProviderPlan) -> Double { Double(plan.weeklyCapacity) * Foundation.exp(gamma * plan.years) }
          let totalWeight = active.reduce(0) { $0 + weight($1) }
          for band in bands {
            let members = active.filter { band.contains($0.years) }
            let bandWeight = members.reduce(0) { $0 + weight($1) }
            let price =
              bandWeight > 0
              ? members.reduce(0) { $0 + weight($1) * Double($1.listPriceCents) / 100 } / bandWeight
              : city.priceLevel * category.basePrice
            result.append(
              TrueBandCell(
                category: category.name, city: city.name, band: band.name, date: date, currency: city.currency,
                demand: totalWeight > 0 ? cellDemand * bandWeight / totalWeight : 0,
                capacity: members.reduce(0) { $0 + Double($1.weeklyCapacity) } / 7, listPrice: price,
                elasticity: category.elasticity))
          }
        }
      }
    }
    return result
  }
}

extension MarketplaceGenerator {
  /// The bookings a day can hold with bound capacity: its weekly capacity / 7, rounded, at least one (the
  /// demand model's `DemandCell.slots`).
  static func daySlots(weekly: Int) -> Int { weekly > 0 ? max(1, Int((Double(weekly) / 7).rounded())) : 0 }

  /// Writes the true expected bookings of every category x city x day of the market (`pricing seed
  /// --truth-cells`) as CSV: `category,city,date,expected,slots`. `expected` is the demand at the day's
  /// drawn multiplier without the day's noise (the best any forecast can know: its WAPE on held-out days is
  /// the floor); `slots` the bookings the day can hold when capacity binds (empty otherwise). Cells without
  /// providers are left out.
  public func writeTrueCells(to handle: FileHandle) throws {
    var text = "category,city,date,expected,slots\n"
    func quoted(_ value: String) -> String { value.contains(",") ? "\"\(value)\"" : value }
    let bound = spec.shape.capacityBound
    var failure: Error?
    forEachCellDay { cell, _, day, _, mean, state in
      guard failure == nil, state.weeklyCapacity > 0 else { return }
      let category = categories[cell / cities.count].name
      let city = cities[cell % cities.count].name
      text += "\(category),\(quoted(city)),\(LocalDate(daysSinceEpoch: day)),\(mean),"
      text += bound ? "\(Self.daySlots(weekly: state.weeklyCapacity))\n" : "\n"
      if text.utf8.count > 1 << 20 {
        do { try handle.write(contentsOf: Data(text.utf8)) } catch { failure = error }
        text = ""
      }
    }
    if let failure { throw failure }
    try handle.write(contentsOf: Data(text.utf8))
  }
}
