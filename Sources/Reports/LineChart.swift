/// Lines over an ordered category axis (weeks): one polyline per series, each with its own colour,
/// dash pattern and marker shape, a legend naming them, y ticks from zero, and a NULL value breaking
/// its line. Points marked partial (a week reaching outside the report's period, counted in part) are
/// drawn hollow, and the segments leading to them lighter and dotted, so that a short last week does not
/// read as a collapse.
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
  /// Per x position: whether it is partial (shorter than the others). Missing positions are complete.
  public let partial: [Bool]

  public init(xLabels: [String], series: [Series], partial: [Bool] = []) {
    self.xLabels = xLabels
    self.series = series
    self.partial = partial
  }

  func isPartial(_ index: Int) -> Bool { index < partial.count && partial[index] }

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
      // Series: solid between complete points, lighter and dotted into and out of partial ones.
      for (number, line) in series.enumerated() {
        let colour = ChartStyle.palette[number % ChartStyle.palette.count]
        var segments: [(partial: Bool, points: [(Double, Double)])] = []
        var previous: (index: Int, point: (Double, Double))?
        for (index, value) in line.values.enumerated() {
          guard let value, value.isFinite else {
            previous = nil
            continue
          }
          let point = (x(index), y(value))
          if let last = previous {
            let partial = isPartial(last.index) || isPartial(index)
            if let current = segments.last, current.partial == partial, current.points.last! == last.point {
              segments[segments.count - 1].points.append(point)
            } else {
              segments.append((partial, [last.point, point]))
            }
          }
          previous = (index, point)
        }
        svg.element("g", ["class": "series"]) { group in
          for segment in segments {
            group.void(
              "polyline",
              [
                "points": segment.points.map { "\(ChartStyle.coordinate($0.0)),\(ChartStyle.coordinate($0.1))" }
                  .joined(separator: " "),
                "fill": "none", "stroke": colour, "stroke-width": "2",
                "stroke-dasharray": segment.partial ? "2 4" : ChartStyle.dashes[number % ChartStyle.dashes.count],
                "stroke-opacity": segment.partial ? "0.45" : nil,
              ])
          }
          for (index, value) in line.values.enumerated() {
            guard let value, value.isFinite else { continue }
            LineChart.marker(
              number, x: x(index), y: y(value), colour: colour, hollow: isPartial(index), into: &group)
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
  static func marker(
    _ series: Int, x: Double, y: Double, colour: String, hollow: Bool = false, into svg: inout HTMLBuilder
  ) {
    let cx = ChartStyle.coordinate(x)
    let cy = ChartStyle.coordinate(y)
    let fill = hollow ? "#fff" : colour
    let stroke: String? = hollow ? colour : nil
    switch series % 4 {
    case 0: svg.void("circle", ["cx": cx, "cy": cy, "r": "3", "fill": fill, "stroke": stroke])
    case 1:
      svg.void(
        "rect",
        [
          "x": ChartStyle.coordinate(x - 3), "y": ChartStyle.coordinate(y - 3), "width": "6", "height": "6",
          "fill": fill, "stroke": stroke,
        ])
    case 2:
      svg.void(
        "polygon",
        [
          "points":
            "\(cx),\(ChartStyle.coordinate(y - 4)) \(ChartStyle.coordinate(x - 4)),\(ChartStyle.coordinate(y + 3)) \(ChartStyle.coordinate(x + 4)),\(ChartStyle.coordinate(y + 3))",
          "fill": fill, "stroke": stroke,
        ])
    default:
      svg.void(
        "polygon",
        [
          "points":
            "\(cx),\(ChartStyle.coordinate(y - 4)) \(ChartStyle.coordinate(x + 4)),\(cy) \(cx),\(ChartStyle.coordinate(y + 4)) \(ChartStyle.coordinate(x - 4)),\(cy)",
          "fill": fill, "stroke": stroke,
        ])
    }
  }
}
