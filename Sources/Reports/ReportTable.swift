import Foundation

/// One computed report table: the column names and rows as the warehouse formatted them (NULL is nil).
public struct ReportTable: Sendable {
  public let spec: ReportTableSpec
  public let columns: [String]
  public let rows: [[String?]]

  public init(spec: ReportTableSpec, columns: [String], rows: [[String?]]) {
    self.spec = spec
    self.columns = columns
    self.rows = rows
  }

  public var isEmpty: Bool { rows.isEmpty }

  /// The index of a column by name.
  public func column(_ name: String) -> Int? { columns.firstIndex(of: name) }

  /// The column's values as numbers (nil where NULL or not a number).
  public func numbers(_ name: String) -> [Double?] {
    guard let index = column(name) else { return Array(repeating: nil, count: rows.count) }
    return rows.map { $0[index].flatMap(ReportTable.number) }
  }

  /// The column's values as text ("" for NULL).
  public func texts(_ name: String) -> [String] {
    guard let index = column(name) else { return Array(repeating: "", count: rows.count) }
    return rows.map { $0[index] ?? "" }
  }

  /// A plain decimal number as PostgreSQL prints numeric, integer and float values: an optional minus,
  /// digits, an optional fraction. Anything else (dates, text, `NaN`, exponents) is not a number here.
  public static func number(_ text: String) -> Double? {
    guard isPlainNumber(text) else { return nil }
    return Double(text)
  }

  public static func isPlainNumber(_ text: String) -> Bool {
    var digits = 0
    var seenDot = false
    for (offset, byte) in text.utf8.enumerated() {
      switch byte {
      case UInt8(ascii: "-") where offset == 0: continue
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
      case UInt8(ascii: ".") where !seenDot && digits > 0: seenDot = true
      default: return false
      }
    }
    return digits > 0 && text.utf8.last != UInt8(ascii: ".")
  }
}

extension ReportTable {
  /// A number as people write it: no trailing zeros or ".0", at most `decimals` decimals ("12", "0.5",
  /// "36.5"); "n/a" when not finite.
  public static func plain(_ value: Double, decimals: Int = 4) -> String {
    guard value.isFinite else { return "n/a" }
    let scale = pow(10, Double(decimals))
    let rounded = (value * scale).rounded() / scale
    if rounded == rounded.rounded() && abs(rounded) < 1e15 { return String(Int64(rounded)) }
    var text = String(format: "%.\(decimals)f", rounded)
    while text.hasSuffix("0") { text.removeLast() }
    return text
  }
}
