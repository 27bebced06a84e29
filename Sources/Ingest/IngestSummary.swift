import Foundation

/// What one ingest did, per source table.
public struct IngestSummary: Sendable, Codable {
  public struct Table: Sendable, Codable, Equatable {
    public var table: String
    /// Whether this table was read whole (first run, `--full`, or a reference table).
    public var full: Bool
    public var read: Int = 0
    public var inserted: Int = 0
    public var updated: Int = 0
    public var quarantined: Int = 0
    /// Rows that passed this time after being in quarantine.
    public var released: Int = 0
    /// Fact rows removed because their source row now fails a rule.
    public var removed: Int = 0
    /// Fact rows marked `source_deleted` (full runs only).
    public var markedDeleted: Int = 0
    public var seconds: Double = 0
  }

  public var runID: Int64
  public var tables: [Table]
  /// Reconciliation exceptions open after the run.
  public var openExceptions: Int
  public var skippedTables: [String]

  /// A fixed-width table for people.
  public var text: String {
    var lines = ["table        mode          read   inserted    updated quarantined  released    seconds"]
    for table in tables {
      func pad(_ value: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - value.count)) + value
      }
      lines.append(
        table.table.padding(toLength: 12, withPad: " ", startingAt: 0) + " "
          + (table.full ? "full" : "incremental").padding(toLength: 11, withPad: " ", startingAt: 0)
          + pad(String(table.read), 8) + pad(String(table.inserted), 11) + pad(String(table.updated), 11)
          + pad(String(table.quarantined), 12) + pad(String(table.released), 10)
          + pad(String(format: "%.2f", table.seconds), 11))
    }
    lines.append("run \(runID): \(openExceptions) open reconciliation exceptions")
    if !skippedTables.isEmpty { lines.append("skipped (not in the source): \(skippedTables.joined(separator: ", "))") }
    return lines.joined(separator: "\n")
  }
}
