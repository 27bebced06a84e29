import Foundation

/// Shared drawing rules of the report's charts: a colour-blind-safe palette (Okabe & Ito, 2008) that is
/// never the only cue (lines also differ by dash and marker, heat-map cells print their value), tick
/// choice, and colour scales.
enum ChartStyle {
  static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]
  static let dashes = [nil, "7 4", "2 3", "10 3 2 3"]
  static let font = "font-family:system-ui,sans-serif;font-size:11px"

  /// Round tick values covering [low, high]: about `count` steps of 1, 2 or 5 x 10^k.
  static func ticks(low: Double, high: Double, count: Int = 5) -> [Double] {
    guard low.isFinite, high.isFinite, high > low else { return [low.isFinite ? low : 0] }
    let raw = (high - low) / Double(count)
    let magnitude = pow(10, floor(log10(raw)))
    let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
    var ticks: [Double] = []
    var value = (low / step).rounded(.down) * step
    while value <= high + step * 1e-9 {
      ticks.append(value)
      value += step
    }
    if let last = ticks.last, last < high { ticks.append(last + step) }
    return ticks
  }

  /// A tick label: integers without decimals, otherwise up to 3 decimals.
  static func label(_ value: Double) -> String { ReportTable.plain(value, decimals: 3) }

  /// Sequential scale, 0 -> near white, 1 -> dark blue.
  static func sequential(_ t: Double) -> String {
    let t = min(max(t.isFinite ? t : 0, 0), 1)
    return mix(from: (0xF7, 0xFB, 0xFF), to: (0x08, 0x30, 0x6B), t)
  }

  /// Diverging scale: -1 -> dark blue, 0 -> near white, +1 -> dark red.
  static func diverging(_ t: Double) -> String {
    let t = min(max(t.isFinite ? t : 0, -1), 1)
    return t < 0
      ? mix(from: (0xF7, 0xF7, 0xF7), to: (0x21, 0x66, 0xAC), -t)
      : mix(from: (0xF7, 0xF7, 0xF7), to: (0xB2, 0x18, 0x2B), t)
  }

  /// Whether text on a cell of scale position |t| should be white for contrast.
  static func needsLightText(_ t: Double) -> Bool { abs(t) > 0.55 }

  static func truncated(_ text: String, _ limit: Int) -> String {
    text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
  }

  static func coordinate(_ value: Double) -> String { String(format: "%.1f", value) }

  private static func mix(from a: (Int, Int, Int), to b: (Int, Int, Int), _ t: Double) -> String {
    func channel(_ x: Int, _ y: Int) -> Int { Int((Double(x) + (Double(y) - Double(x)) * t).rounded()) }
    return String(format: "#%02X%02X%02X", channel(a.0, b.0), channel(a.1, b.1), channel(a.2, b.2))
  }
}
