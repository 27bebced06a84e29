import Foundation

/// The fixed shape of the synthetic marketplace: its categories, cities and their true parameters.
///
/// Documented in docs/synthetic-marketplace.md. Demand per day for a category x city cell is
///
///     lambda = capacity * exp(alpha_c + beta_k + s_c(doy, hemisphere_k) + w_dow
///                             + e_c * log(m) + gamma * (meanYears - 5))
///
/// where capacity is the cell's bookable slots that day (active providers' weekly capacity / 7),
/// `s_c` a two-harmonic Fourier curve of the day of year (shifted by half a year in the southern
/// hemisphere for weather-driven categories), `m` the randomised daily price multiplier of the cell,
/// `e_c` the category's price elasticity and `gamma` the experience effect per year of the cell's
/// capacity-weighted mean provider experience.
public enum MarketplaceCatalog {
  /// A service category with its true parameters.
  public struct Category: Sendable {
    public let name: String
    /// alpha_c: log bookings per slot of capacity at the reference point.
    public let base: Double
    public let elasticity: Double
    /// List price in the reference city before experience premium, in the local currency unit.
    public let basePrice: Double
    /// Day of year of the main peak and the curve's amplitude (log scale), and an optional second peak.
    public let peakDay: Int
    public let amplitude: Double
    public let secondPeakAmplitude: Double
    /// Whether the season follows the weather (reversed in the southern hemisphere).
    public let weatherDriven: Bool
  }

  /// A city with its true parameters.
  public struct City: Sendable {
    public let name: String
    public let timeZone: String
    public let country: String
    public let currency: String
    /// beta_k, the city's demand per slot of capacity (log scale): larger cities are tighter.
    public let effect: Double
    /// Relative size (capacity share).
    public let size: Double
    public let priceLevel: Double
    public let southern: Bool
  }

  public static let categories: [Category] = [
    Category(name: "hvac", base: -0.55, elasticity: -0.6, basePrice: 120, peakDay: 200, amplitude: 0.25,
             secondPeakAmplitude: 0.30, weatherDriven: true),
    Category(name: "moving", base: -0.75, elasticity: -1.4, basePrice: 300, peakDay: 190, amplitude: 0.45,
             secondPeakAmplitude: 0, weatherDriven: true),
    Category(name: "tax_consulting", base: -0.85, elasticity: -0.8, basePrice: 150, peakDay: 95, amplitude: 0.50,
             secondPeakAmplitude: 0, weatherDriven: false),
    Category(name: "cleaning", base: -0.35, elasticity: -1.8, basePrice: 60, peakDay: 350, amplitude: 0.12,
             secondPeakAmplitude: 0, weatherDriven: false),
    Category(name: "plumbing", base: -0.60, elasticity: -0.5, basePrice: 110, peakDay: 20, amplitude: 0.22,
             secondPeakAmplitude: 0, weatherDriven: true),
    Category(name: "gardening", base: -0.80, elasticity: -1.6, basePrice: 50, peakDay: 140, amplitude: 0.55,
             secondPeakAmplitude: 0, weatherDriven: true),
    Category(name: "painting", base: -0.90, elasticity: -1.2, basePrice: 200, peakDay: 170, amplitude: 0.35,
             secondPeakAmplitude: 0, weatherDriven: true),
    Category(name: "electrical", base: -0.65, elasticity: -0.7, basePrice: 130, peakDay: 330, amplitude: 0.08,
             secondPeakAmplitude: 0, weatherDriven: false),
    Category(name: "pest_control", base: -1.00, elasticity: -0.9, basePrice: 90, peakDay: 215, amplitude: 0.40,
             secondPeakAmplitude: 0, weatherDriven: true),
    Category(name: "tutoring", base: -0.70, elasticity: -1.1, basePrice: 45, peakDay: 20, amplitude: 0.20,
             secondPeakAmplitude: 0.15, weatherDriven: false),
  ]

  public static let cities: [City] = [
    City(name: "New York", timeZone: "America/New_York", country: "US", currency: "USD", effect: 0.30, size: 1.6,
         priceLevel: 1.35, southern: false),
    City(name: "London", timeZone: "Europe/London", country: "GB", currency: "GBP", effect: 0.26, size: 1.4,
         priceLevel: 1.10, southern: false),
    City(name: "Los Angeles", timeZone: "America/Los_Angeles", country: "US", currency: "USD", effect: 0.20,
         size: 1.1, priceLevel: 1.25, southern: false),
    City(name: "Berlin", timeZone: "Europe/Berlin", country: "DE", currency: "EUR", effect: 0.15, size: 1.0,
         priceLevel: 1.00, southern: false),
    City(name: "Chicago", timeZone: "America/Chicago", country: "US", currency: "USD", effect: 0.10, size: 0.85,
         priceLevel: 1.10, southern: false),
    City(name: "München", timeZone: "Europe/Berlin", country: "DE", currency: "EUR", effect: 0.06, size: 0.7,
         priceLevel: 1.15, southern: false),
    City(name: "Sydney", timeZone: "Australia/Sydney", country: "AU", currency: "AUD", effect: 0.02, size: 0.65,
         priceLevel: 1.20, southern: true),
    City(name: "Hamburg", timeZone: "Europe/Berlin", country: "DE", currency: "EUR", effect: -0.02, size: 0.6,
         priceLevel: 1.00, southern: false),
    City(name: "Melbourne", timeZone: "Australia/Melbourne", country: "AU", currency: "AUD", effect: -0.06,
         size: 0.55, priceLevel: 1.10, southern: true),
    City(name: "Wien", timeZone: "Europe/Vienna", country: "AT", currency: "EUR", effect: -0.10, size: 0.5,
         priceLevel: 1.00, southern: false),
    City(name: "Boston", timeZone: "America/New_York", country: "US", currency: "USD", effect: -0.14, size: 0.45,
         priceLevel: 1.20, southern: false),
    City(name: "Köln", timeZone: "Europe/Berlin", country: "DE", currency: "EUR", effect: -0.18, size: 0.4,
         priceLevel: 0.95, southern: false),
    City(name: "Seattle", timeZone: "America/Los_Angeles", country: "US", currency: "USD", effect: -0.22,
         size: 0.38, priceLevel: 1.15, southern: false),
    City(name: "Zürich", timeZone: "Europe/Zurich", country: "CH", currency: "CHF", effect: -0.26, size: 0.35,
         priceLevel: 1.60, southern: false),
    City(name: "Manchester", timeZone: "Europe/London", country: "GB", currency: "GBP", effect: -0.30, size: 0.3,
         priceLevel: 0.90, southern: false),
    City(name: "Denver", timeZone: "America/Denver", country: "US", currency: "USD", effect: -0.34, size: 0.28,
         priceLevel: 1.00, southern: false),
    City(name: "Leipzig", timeZone: "Europe/Berlin", country: "DE", currency: "EUR", effect: -0.40, size: 0.22,
         priceLevel: 0.85, southern: false),
  ]

  /// Relative provider capacity of each category (same order as `categories`).
  public static let capacityShares: [Double] = [1.2, 0.6, 0.5, 1.6, 1.0, 0.7, 0.6, 0.9, 0.5, 0.8]

  /// w_dow, Monday first (ISO weekday 1...7): weekends differ most.
  public static let weekdayEffects: [Double] = [0.05, 0.04, 0.0, 0.0, 0.08, 0.15, -0.35]

  /// Per-category weekday profiles (`MarketShape.categoryWeekday`), Monday first, by category name: offices
  /// (tax consulting, tutoring) all but shut on Sundays, moving and gardening busiest on Saturdays; a
  /// category not listed follows `weekdayEffects`.
  public static let categoryWeekdayEffects: [String: [Double]] = [
    "tax_consulting": [0.15, 0.15, 0.12, 0.12, 0.05, -0.7, -2.5],
    "tutoring": [0.1, 0.12, 0.12, 0.1, -0.05, -0.2, -2.2],
    "moving": [-0.25, -0.25, -0.2, -0.15, 0.15, 0.6, 0.2],
    "gardening": [-0.1, -0.1, -0.05, 0, 0.1, 0.5, 0.05],
    "cleaning": [0.05, 0, 0, 0, 0.2, 0.25, -0.5],
    "electrical": [0.1, 0.1, 0.1, 0.1, 0.05, -0.3, -1.0],
  ]

  /// gamma: log demand per year of mean provider experience (centred at 5 years).
  public static let experienceEffectPerYear = 0.04
  public static let experienceCentre = 5.0

  /// The list price rises 1.5% per year of the provider's experience.
  public static let experiencePricePremiumPerYear = 0.015

  /// The randomised daily price multiplier per (category, city): log-uniform over this range,
  /// rounded to 0.01.
  public static let multiplierRange: ClosedRange<Double> = 0.80...1.30

  // MARK: - Season

  /// The Fourier coefficients of a category's season for one hemisphere:
  /// s(doy) = a1 cos(2 pi t) + b1 sin(2 pi t) + a2 cos(4 pi t) + b2 sin(4 pi t), t = (doy - 1) / 365.25.
  /// The main peak sits at `peakDay` (plus half a year in the south for weather-driven categories);
  /// the second harmonic puts an equal-height second peak half a year later.
  public static func seasonCoefficients(_ category: Category, southern: Bool) -> [Double] {
    let shift = southern && category.weatherDriven ? 182.6 : 0
    let phase = 2 * Double.pi * ((Double(category.peakDay) + shift - 1) / 365.25)
    let a1 = category.amplitude * cos(phase)
    let b1 = category.amplitude * sin(phase)
    let a2 = category.secondPeakAmplitude * cos(2 * phase)
    let b2 = category.secondPeakAmplitude * sin(2 * phase)
    return [a1, b1, a2, b2]
  }

  /// s_c(doy) for a hemisphere.
  public static func season(_ coefficients: [Double], dayOfYear: Int) -> Double {
    let t = 2 * Double.pi * (Double(dayOfYear - 1) / 365.25)
    return coefficients[0] * cos(t) + coefficients[1] * sin(t) + coefficients[2] * cos(2 * t)
      + coefficients[3] * sin(2 * t)
  }

  /// The month (1...12) in which the season curve is highest (the 15th of each month compared).
  public static func peakMonth(_ coefficients: [Double]) -> Int {
    var best = 1
    var bestValue = -Double.infinity
    for month in 1...12 {
      let doy = LocalDateMath.dayOfYear(month: month, day: 15)
      let value = season(coefficients, dayOfYear: doy)
      if value > bestValue {
        bestValue = value
        best = month
      }
    }
    return best
  }
}

/// Day-of-year arithmetic for a non-leap year (enough for comparing months).
enum LocalDateMath {
  static func dayOfYear(month: Int, day: Int) -> Int {
    let cumulative = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334]
    return cumulative[month - 1] + day
  }
}
