/// The `[report]` settings the report itself reads (the folder and the period's length are the
/// pipeline's): when a condition goes on the "Needs attention" list, and whether past reports are kept.
public struct ReportSettings: Sendable, Equatable {
  /// A served table with at least this share of its multipliers at the lower bound needs attention.
  public var floorShare = 0.5
  /// At least this many source rows first quarantined in the last 24 hours is a data-quality spike.
  public var quarantineSpikeRows = 100
  /// Ingest that last advanced a table's watermark more than this many hours ago is stale.
  public var maxIngestAgeHours = 36.0
  /// A holiday calendar ending less than this many days after the horizon's last day is about to run out.
  public var calendarWarningDays = 30
  /// Keep each report in a dated folder under `archive/` of the report folder, with an index.
  public var archive = false
  /// Archived reports whose period ended more than this many days before the newest one are removed.
  public var keepDays = 90

  public init() {}
}
