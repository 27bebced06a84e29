/// One condition on the report's "Needs attention" list: what holds, in one sentence, and the section
/// of the page (its `id`) that shows the details.
public struct AttentionItem: Sendable, Equatable, Codable {
  /// Stable name of the condition (`run_failed`, `run_interrupted`, `fit_rejected`, `publish_refused`, `nothing_published`,
  /// `prices_at_floor`, `quarantine_spike`, `ingest_stale`, `calendar`), for scripts reading summary.json.
  public let condition: String
  public let message: String
  public let section: String

  public init(condition: String, message: String, section: String) {
    self.condition = condition
    self.message = message
    self.section = section
  }
}
