/// A summary row in `summary.json`: the columns of `summary.csv`, numbers as JSON numbers, and null for a
/// missing value or the currency of a count or rate (every key always present).
extension SummaryValue: Encodable {
  enum CodingKeys: String, CodingKey {
    case measure, currency
    case changeType = "change_type"
    case thisWeek = "this_week"
    case previous = "previous_week"
    case yearAgo = "year_ago_week"
    case changeVsPrevious = "change_vs_previous"
    case changeVsYearAgo = "change_vs_year_ago"
  }

  func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(measure, forKey: .measure)
    try container.encode(currency.isEmpty ? nil : currency, forKey: .currency)
    try container.encode(changeType, forKey: .changeType)
    try container.encode(thisWeek, forKey: .thisWeek)
    try container.encode(previous, forKey: .previous)
    try container.encode(yearAgo, forKey: .yearAgo)
    try container.encode(changeVsPrevious, forKey: .changeVsPrevious)
    try container.encode(changeVsYearAgo, forKey: .changeVsYearAgo)
  }
}
