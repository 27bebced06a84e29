/// A grid of rows x columns, each cell filled by its value on a sequential scale (or diverging around a
/// midpoint) and printing the value as the table does, so the colour is never the only cue.
public struct HeatMap {
  public let rows: [String]
  public let columns: [String]
  /// `cells[row][column]`: the value and its text, nil where the table has no row.
  public let cells: [[(value: Double, text: String)?]]
  public let midpoint: Double?

  /// At most this many rows and columns are drawn; the description says when there are more.
  public static let maximumRows = 60
  public static let maximumColumns = 40

  /// Builds the grid from parallel row labels, column labels and values, keeping first-seen order.
  public init(rowLabels: [String], columnLabels: [String], values: [Double?], texts: [String], midpoint: Double?) {
    var rows: [String] = []
    var columns: [String] = []
    var rowIndex: [String: Int] = [:]
    var columnIndex: [String: Int] = [:]
    for label in rowLabels where rowIndex[label] == nil {
      rowIndex[label] = rows.count
      rows.append(label)
    }
    for label in columnLabels where columnIndex[label] == nil {
      columnIndex[label] = columns.count
      columns.append(label)
    }
    var cells = Array(
      repeating: [(value: Double, text: String)?](repeating: nil, count: columns.count), count: rows.count)
    for index in rowLabels.indices {
      guard let value = values[index], value.isFinite else { continue }
      cells[rowIndex[rowLabels[index]]!][columnIndex[columnLabels[index]]!] = (value, texts[index])
    }
    self.rows = rows
    self.columns = columns
    self.cells = cells
    self.midpoint = midpoint
  }

  public var isTruncated: Bool { rows.count > HeatMap.maximumRows || columns.count > HeatMap.maximumColumns }

  static let cellWidth = 52.0
  static let cellHeight = 22.0
  static let labelWidth = 130.0
  static let headerHeight = 80.0

  public func render(into html: inout HTMLBuilder, id: String, title: String, description: String) {
    let shownRows = min(rows.count, HeatMap.maximumRows)
    let shownColumns = min(columns.count, HeatMap.maximumColumns)
    let values = cells.prefix(shownRows).flatMap { $0.prefix(shownColumns).compactMap { $0?.value } }
    let low = values.min() ?? 0
    let high = values.max() ?? 1
    let deviation = midpoint.map { mid in values.map { abs($0 - mid) }.max() ?? 1 } ?? 0
    func position(_ value: Double) -> Double {
      if let midpoint { return deviation > 0 ? (value - midpoint) / deviation : 0 }
      return high > low ? (value - low) / (high - low) : 0.5
    }
    var fullDescription = description
    if isTruncated {
      fullDescription +=
        " Showing the first \(shownRows) of \(rows.count) rows and \(shownColumns) of \(columns.count) columns; the table has all."
    }
    let width = HeatMap.labelWidth + Double(shownColumns) * HeatMap.cellWidth + 10
    let height = HeatMap.headerHeight + Double(shownRows) * HeatMap.cellHeight + 10
    ChartFrame(id: id, title: title, description: fullDescription, width: width, height: height).render(into: &html) {
      svg in
      for (column, label) in columns.prefix(shownColumns).enumerated() {
        let x = HeatMap.labelWidth + (Double(column) + 0.5) * HeatMap.cellWidth
        let y = HeatMap.headerHeight - 6
        svg.element(
          "text",
          [
            "x": ChartStyle.coordinate(x), "y": ChartStyle.coordinate(y),
            "transform": "rotate(-45 \(ChartStyle.coordinate(x)) \(ChartStyle.coordinate(y)))",
          ],
          text: ChartStyle.truncated(label, 16))
      }
      for (row, label) in rows.prefix(shownRows).enumerated() {
        let top = HeatMap.headerHeight + Double(row) * HeatMap.cellHeight
        svg.element(
          "text",
          [
            "x": ChartStyle.coordinate(HeatMap.labelWidth - 6), "y": ChartStyle.coordinate(top + 15),
            "text-anchor": "end",
          ],
          text: ChartStyle.truncated(label, 22))
        for column in 0..<shownColumns {
          let left = HeatMap.labelWidth + Double(column) * HeatMap.cellWidth
          guard let cell = cells[row][column] else {
            svg.void(
              "rect",
              [
                "x": ChartStyle.coordinate(left), "y": ChartStyle.coordinate(top),
                "width": ChartStyle.coordinate(HeatMap.cellWidth - 1),
                "height": ChartStyle.coordinate(HeatMap.cellHeight - 1), "fill": "#FFFFFF", "stroke": "#EEEEEE",
              ])
            continue
          }
          let t = position(cell.value)
          let rect: KeyValuePairs<String, String?> = [
            "x": ChartStyle.coordinate(left), "y": ChartStyle.coordinate(top),
            "width": ChartStyle.coordinate(HeatMap.cellWidth - 1),
            "height": ChartStyle.coordinate(HeatMap.cellHeight - 1),
            "fill": midpoint == nil ? ChartStyle.sequential(t) : ChartStyle.diverging(t),
          ]
          svg.element("rect", rect) { $0.element("title", text: "\(label), \(columns[column]): \(cell.text)") }
          svg.element(
            "text",
            [
              "x": ChartStyle.coordinate(left + HeatMap.cellWidth / 2), "y": ChartStyle.coordinate(top + 15),
              "text-anchor": "middle", "fill": ChartStyle.needsLightText(t) ? "#FFFFFF" : "#000000",
            ],
            text: cell.text)
        }
      }
    }
  }
}
