/// A manual override of the dynamic multipliers of a scope and a range of local dates (docs/overrides.md).
public struct PriceOverride: Sendable, Equatable {
  public enum Kind: String, Sendable, CaseIterable {
    /// This multiplier, instead of the dynamic one (may leave the policy's bounds).
    case fixed
    /// A floor or a cap on the dynamic multiplier (within the bounds).
    case min, max
    /// Times the dynamic multiplier (within the bounds).
    case factor
    /// Dynamic pricing off: multiplier 1 (list price).
    case freeze
  }

  public var id: Int64
  public var category: String
  /// Nil: every city; every band.
  public var city: String?
  public var band: String?
  public var from: CalendarDay
  public var to: CalendarDay
  public var kind: Kind
  /// Nil for `freeze`.
  public var value: Double?
  public var reason: String
  public var createdBy: String
  /// The first day it no longer applies to: its expiry's date (UTC), when it expires.
  public var expiresOn: CalendarDay?

  public init(
    id: Int64, category: String, city: String?, band: String?, from: CalendarDay, to: CalendarDay, kind: Kind,
    value: Double?, reason: String, createdBy: String, expiresOn: CalendarDay? = nil
  ) {
    self.id = id
    self.category = category
    self.city = city
    self.band = band
    self.from = from
    self.to = to
    self.kind = kind
    self.value = value
    self.reason = reason
    self.createdBy = createdBy
    self.expiresOn = expiresOn
  }

  /// 3 for a city and a band, 2 for a city, 1 for a band, 0 for the whole category.
  public var specificity: Int { (city != nil ? 2 : 0) + (band != nil ? 1 : 0) }

  /// Whether it applies to the cell.
  public func applies(category: String, city: String, band: String, date: CalendarDay) -> Bool {
    self.category == category && (self.city == nil || self.city == city) && (self.band == nil || self.band == band)
      && from <= date && date <= to && (expiresOn.map { date < $0 } ?? true)
  }

  /// What the overrides that apply to one cell make of its dynamic multiplier.
  public struct Resolution: Sendable, Equatable {
    public var multiplier: Double
    /// The overrides that decided it, most decisive first.
    public var applied: [PriceOverride]
    /// Whether a `fixed` override decided it (exempt from the `bounds` guardrail).
    public var fixed: Bool
  }

  /// The precedence (docs/overrides.md): a `fixed` or `freeze` override replaces the dynamic multiplier, the
  /// most specific one winning (city over band over category; at equal specificity the newer id); otherwise
  /// the most specific `factor` multiplies it, then the most specific `min` and `max` bound it, and the
  /// result is clamped to `bounds` (a min above the bounds' maximum is the maximum). Nil when none applies.
  public static func resolve(dynamic: Double, overrides: [PriceOverride], bounds: ClosedRange<Double>) -> Resolution? {
    guard !overrides.isEmpty else { return nil }
    func decisive(_ kinds: Set<Kind>) -> PriceOverride? {
      overrides.filter { kinds.contains($0.kind) }.max { ($0.specificity, $0.id) < ($1.specificity, $1.id) }
    }
    if let replacing = decisive([.fixed, .freeze]) {
      let value = replacing.kind == .fixed ? (replacing.value ?? 1) : 1
      return Resolution(multiplier: (value * 10_000).rounded() / 10_000, applied: [replacing], fixed: replacing.kind == .fixed)
    }
    var multiplier = dynamic
    var applied: [PriceOverride] = []
    if let factor = decisive([.factor]), let value = factor.value {
      multiplier *= value
      applied.append(factor)
    }
    if let floor = decisive([.min]), let value = floor.value {
      multiplier = Swift.max(multiplier, value)
      applied.append(floor)
    }
    if let cap = decisive([.max]), let value = cap.value {
      multiplier = Swift.min(multiplier, value)
      applied.append(cap)
    }
    multiplier = Swift.min(Swift.max(multiplier, bounds.lowerBound), bounds.upperBound)
    return Resolution(multiplier: (multiplier * 10_000).rounded() / 10_000, applied: applied, fixed: false)
  }
}
