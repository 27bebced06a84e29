/// A chart of the report with the words under it: how to read it, and which time axis it has so that
/// weeks or months reaching outside the period are marked as partial.
public struct ReportChart: Sendable {
  /// The time unit of a chart's axis or rows, when they are the period's weeks or months.
  public enum PeriodAxis: Sendable {
    case weeks
    case months
  }

  public let spec: ChartSpec
  /// One or two sentences under the chart: what a mark means and how to compare them.
  public let howToRead: String
  public let axis: PeriodAxis?

  public init(_ spec: ChartSpec, howToRead: String, axis: PeriodAxis? = nil) {
    self.spec = spec
    self.howToRead = howToRead
    self.axis = axis
  }
}
