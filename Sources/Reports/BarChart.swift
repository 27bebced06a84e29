/// Horizontal bars, one per row: the label on the left, the bar from zero (negative values to the
/// left of the zero line), and the value as the table prints it at the bar's end.
public struct BarChart {
  public struct Bar {
    public let label: String
    public let value: Double
    public let valueText: String
  }

  public let bars: [Bar]

  public init(labels: [String], values: [Double?], valueTexts: [String]) {
    var bars: [Bar] = []
    for index in labels.indices {
      guard let value = values[index], value.isFinite else { continue }
      bars.append(Bar(label: labels[index], value: value, valueText: valueTexts[index]))
    }
    self.bars = bars
  }

  static let labelWidth = 170.0
  static let plotWidth = 430.0
  static let rowHeight = 20.0

  public func render(into html: inout HTMLBuilder, id: String, title: String, description: String) {
    let low = min(0, bars.map(\.value).min() ?? 0)
    let high = max(0, bars.map(\.value).max() ?? 0)
    let span = high - low > 0 ? high - low : 1
    func x(_ value: Double) -> Double { BarChart.labelWidth + (value - low) / span * BarChart.plotWidth }
    let height = Double(bars.count) * BarChart.rowHeight + 24
    let frame = ChartFrame(
      id: id, title: title, description: description, width: BarChart.labelWidth + BarChart.plotWidth + 80,
      height: height)
    frame.render(into: &html) { svg in
      for (index, bar) in bars.enumerated() {
        let top = Double(index) * BarChart.rowHeight + 4
        let start = x(min(0, bar.value))
        let end = x(max(0, bar.value))
        svg.element("g") { group in
          group.element(
            "text",
            [
              "x": ChartStyle.coordinate(BarChart.labelWidth - 6), "y": ChartStyle.coordinate(top + 13),
              "text-anchor": "end",
            ],
            text: ChartStyle.truncated(bar.label, 28))
          group.element(
            "rect",
            [
              "x": ChartStyle.coordinate(start), "y": ChartStyle.coordinate(top + 2),
              "width": ChartStyle.coordinate(max(end - start, 0.5)),
              "height": ChartStyle.coordinate(BarChart.rowHeight - 6),
              "fill": ChartStyle.palette[0],
            ]
          ) { rect in rect.element("title", text: "\(bar.label): \(bar.valueText)") }
          group.element(
            "text", ["x": ChartStyle.coordinate(end + 4), "y": ChartStyle.coordinate(top + 13)], text: bar.valueText)
        }
      }
      let zero = ChartStyle.coordinate(x(0))
      svg.void("line", ["x1": zero, "x2": zero, "y1": "0", "y2": ChartStyle.coordinate(height - 20), "stroke": "#333"])
    }
  }
}
