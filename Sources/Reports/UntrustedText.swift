/// Text from the database that people type (comments, titles, names) on its way into a report: what a
/// terminal or a browser would act on instead of showing is removed, and a table cell of the HTML page is
/// cut to a readable length (the CSV keeps the whole text).
public enum UntrustedText {
  /// The longest cell text the HTML page shows; longer texts end with a marker naming their length.
  public static let htmlCellLimit = 300

  /// Whether a scalar is removed: control characters other than tab, line feed and carriage return (ESC
  /// and BEL start terminal sequences), DEL, the C1 controls, and the bidirectional embeddings, overrides
  /// and isolates (U+202A-U+202E, U+2066-U+2069: U+202E reverses how the text after it reads).
  public static func isRemoved(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x09, 0x0A, 0x0D: return false
    case 0x00..<0x20, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069, 0xFFFE, 0xFFFF: return true
    default: return false
    }
  }

  /// The text without the removed scalars.
  public static func cleaned(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: isRemoved) else { return text }
    var result = String.UnicodeScalarView()
    for scalar in text.unicodeScalars where !isRemoved(scalar) { result.append(scalar) }
    return String(result)
  }

  /// The text cut after `limit` characters, with a marker saying how long it was and where the rest is.
  public static func truncated(_ text: String, limit: Int = htmlCellLimit) -> String {
    guard text.count > limit else { return text }
    return String(text.prefix(limit)) + "… [\(text.count) characters; the CSV has the whole text]"
  }
}
