import Foundation
import Postgres

/// `summary.json`: the summary's numbers (the rows of `summary.csv`, numbers as JSON numbers and missing
/// values as null) with the weeks they compare and the "Needs attention" list, for scripts and alerting.
struct ReportSummaryDocument: Encodable {
  struct Weeks: Encodable {
    let thisWeek: String
    let previousWeek: String
    let yearAgoWeek: String

    enum CodingKeys: String, CodingKey {
      case thisWeek = "this_week"
      case previousWeek = "previous_week"
      case yearAgoWeek = "year_ago_week"
    }
  }

  let periodFrom: String
  let periodTo: String
  let generatedAtUTC: String
  /// nil when the period holds no complete week.
  let weeks: Weeks?
  let measures: [SummaryValue]
  let needsAttention: [AttentionItem]

  enum CodingKeys: String, CodingKey {
    case periodFrom = "period_from"
    case periodTo = "period_to"
    case generatedAtUTC = "generated_at_utc"
    case weeks, measures
    case needsAttention = "needs_attention"
  }

  func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(periodFrom, forKey: .periodFrom)
    try container.encode(periodTo, forKey: .periodTo)
    try container.encode(generatedAtUTC, forKey: .generatedAtUTC)
    try container.encode(weeks, forKey: .weeks)
    try container.encode(measures, forKey: .measures)
    try container.encode(needsAttention, forKey: .needsAttention)
  }

  init(_ report: Report) {
    periodFrom = report.period.from.description
    periodTo = report.period.to.description
    generatedAtUTC = report.generatedAt
    weeks = report.period.lastCompleteWeek.map {
      Weeks(
        thisWeek: $0.description, previousWeek: $0.adding(days: -7).description,
        yearAgoWeek: $0.adding(days: -364).description)
    }
    needsAttention = report.attention
    measures = report["summary"].map(SummaryValue.rows) ?? []
  }

  /// The document as pretty-printed JSON with sorted keys and a final newline.
  static func json(_ report: Report) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let data = (try? encoder.encode(ReportSummaryDocument(report))) ?? Data("{}".utf8)
    return String(decoding: data, as: UTF8.self) + "\n"
  }
}
