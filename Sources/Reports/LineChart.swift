/// Lines over an ordered category axis (weeks): one polyline per series, each with its own colour,
/// dash pattern and marker shape, a legend naming them, y ticks from zero, and a NULL value breaking
/// its line.
public struct LineChart {
  public struct Series {
    public let name: String
    public let values: [Double?]

    public init(name: String, values: [Double?]) {
      self.name = name
      self.values = values
    }
  }

  public let xLabels: [String]
  public let series: [Series]

  public init(xLabels: [String], series: [Series]) {
    self.xLabels = xLabels
    self.series = series
  }

  static let left = 60.0
  static let top = 30.0
  static let plotWidth = 620.0
  static let plotHeight = 200.0

  public func render(into html: inout HTMLBuilder, id: String, title: String, description: String) {
    let finite = series.flatMap { $0.values.compactMap { $0 } }.filter(\.isFinite)
    let ticks = ChartStyle.ticks(low: min(0, finite.min() ?? 0), high: max(finite.max() ?? 1, 1))
    let low = ticks.first ?? 0
    let high = ticks.last ?? 1
    let span = high - low > 0 ? high - low : 1
    let step = xLabels.count > 1 ? LineChart.plotWidth / Double(xLabels.count - 1) : 0
    func x(_ index: Int) -> Double {
      LineChart.left + (xLabels.count > 1 ? Double(index) * step : LineChart.plotWidth / 2)
    }
    func y(_ value: Double) -> Double {
      LineChart.top + LineChart.plotHeight - (value - low) / span * LineChart.plotHeight
    }
    let bottom = LineChart.top + LineChart.plotHeight
    let frame = ChartFrame(
      id: id, title: title, description: description, width: LineChart.left + LineChart.plotWidth + 30,
      height: bottom + 50)
    frame.render(into: &html) { svg in
      // Axes and grid.
      for tick in ticks {
        let position = ChartStyle.coordinate(y(tick))
        svg.void(
          "line",
          [
            "x1": ChartStyle.coordinate(LineChart.left),
            "x2": ChartStyle.coordinate(LineChart.left + LineChart.plotWidth),
            "y1": position, "y2": position, "stroke": "#ddd",
          ])
        svg.element(
          "text", ["x": ChartStyle.coordinate(LineChart.left - 6), "y": position, "text-anchor": "end", "dy": "4"],
          text: ChartStyle.label(tick))
      }
      let every = max(1, (xLabels.count + 7) / 8)
      for (index, label) in xLabels.enumerated()
      where index % every == 0 || (index == xLabels.count - 1 && index % every > every / 2) {
        svg.element(
          "text",
          ["x": ChartStyle.coordinate(x(index)), "y": ChartStyle.coordinate(bottom + 16), "text-anchor": "middle"],
          text: label)
      }
      // Series.
      for (number, line) in series.enumerated() {
        let colour = ChartStyle.palette[number % ChartStyle.palette.count]
        var segments: [[(Double, Double)]] = [[]]
        for (index, value) in line.values.enumerated() {
          if let value, value.isFinite {
            segments[segments.count - 1].append((x(index), y(value)))
          } else if !(segments.last?.isEmpty ?? true) {
            segments.append([])
          }
        }
        svg.element("g", ["class": "series"]) { group in
          for segment in segments where segment.count > 1 {
            group.void(
              "polyline",
              [
                "points": segment.map { "\(ChartStyle.coordinate($0.0)),\(ChartStyle.coordinate($0.1))" }.joined(
                  separator: " "),
                "fill": "none", "stroke": colour, "stroke-width": "2",
                "stroke-dasharray": ChartStyle.dashes[number % ChartStyle.dashes.count],
              ])
          }
          for (index, value) in line.values.enumerated() {
            guard let value, value.isFinite else { continue }
            LineChart.marker(number, x: x(index), y: y(value), colour: colour, into: &group)
          }
        }
      }
      // Legend.
      var legendX = LineChart.left
      for (number, line) in series.enumerated() {
        let colour = ChartStyle.palette[number % ChartStyle.palette.count]
        svg.void(
          "line",
          [
            "x1": ChartStyle.coordinate(legendX), "x2": ChartStyle.coordinate(legendX + 24), "y1": "12", "y2": "12",
            "stroke": colour, "stroke-width": "2",
            "stroke-dasharray": ChartStyle.dashes[number % ChartStyle.dashes.count],
          ])
        LineChart.marker(number, x: legendX + 12, y: 12, colour: colour, into: &svg)
        svg.element("text", ["x": ChartStyle.coordinate(legendX + 30), "y": "16"], text: line.name)
        legendX += 40 + Double(line.name.count) * 6.5
      }
    }
  }

  /// Circle, square, triangle, diamond: the series' shape, so that lines differ without colour.
  static func marker(_ series: Int, x: Double, y: Double, colour: String, into svg: inout HTMLBuilder) {
    let cx = ChartStyle.coordinate(x)
    let cy = ChartStyle.coordinate(y)
    switch series % 4 {
    case 0: svg.void("circle", ["cx": cx, "cy": cy, "r": "3", "fill": colour])
    case 1:
      svg.void(
        "rect",
        [
          "x": ChartStyle.coordinate(x - 3), "y": ChartStyle.coordinate(y - 3), "width": "6", "height": "6",
          "fill": colour,
        ])
    case 2:
      svg.void(
        "polygon",
        [
          "points":
            "\(cx),\(ChartStyle.coordinate(y - 4)) \(ChartStyle.coordinate(x - 4)),\(ChartStyle.coordinate(y + 3)) \(ChartStyle.coordinate(x + 4)),\(ChartStyle.coordinate(y + 3))",
          "fill": colour,
        ])
    default:
      svg.void(
        "polygon",
        [
          "points":
            "\(cx),\(ChartStyle.coordinate(y - 4)) \(ChartStyle.coordinate(x + 4)),\(cy) \(cx),\(ChartStyle.coordinate(y + 4)) \(ChartStyle.coordinate(x - 4)),\(cy)",
          "fill": colour,
        ])
    }
  }
}
