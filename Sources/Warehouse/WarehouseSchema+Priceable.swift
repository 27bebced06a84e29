import Postgres

extension WarehouseSchema {
  /// The one definition of what can be priced, shared by the fit (which prices these cells) and publish's
  /// `coverage` guardrail (which requires them): the offers of active services whose provider is active,
  /// neither deleted at the source. A category x city is priceable when it has at least one; a service
  /// whose only provider is suspended or pending is not, until the provider is active again.
  ///
  /// Columns: category, city, provider_id, weekly_capacity, experience_years, onboarded_at, price (the
  /// service's list price), currency.
  public var priceableOffers: SQLQuery {
    """
    SELECT s.category, s.city, p.provider_id, p.weekly_capacity, p.experience_years, p.onboarded_at, s.price,
           s.currency
    FROM \(table("services")) s JOIN \(table("providers")) p ON p.provider_id = s.provider_id
    WHERE s.active AND p.status = 'active' AND NOT s.source_deleted AND NOT p.source_deleted
    """
  }
}
