/// A chart drawn from one report table's columns. Charts never carry numbers of their own: everything
/// they show is in the table next to them (and its CSV).
public enum ChartSpec: Sendable {
  /// Horizontal bars: one per row, labelled by `label`, length `value`.
  case bars(table: String, label: String, value: String, title: String, description: String)
  /// Lines over an ordered `x` column (dates), one per `series` column.
  case lines(table: String, x: String, series: [String], title: String, description: String)
  /// A grid of `row` x `column` coloured by `value`, one chart per distinct value of `splitBy` when set.
  /// `midpoint` makes the colour scale diverge around it (1.0 for multipliers).
  case heatMap(
    table: String, row: String, column: String, value: String, splitBy: String?, midpoint: Double?, title: String,
    description: String)

  public var table: String {
    switch self {
    case .bars(let table, _, _, _, _), .lines(let table, _, _, _, _), .heatMap(let table, _, _, _, _, _, _, _): table
    }
  }
}
