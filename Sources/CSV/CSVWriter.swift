import Foundation

/// Writes RFC 4180 CSV: fields separated by commas, records ended by CRLF (or LF), a field quoted when it
/// holds a comma, a quote, CR or LF or leading/trailing space, with quotes doubled inside.
///
/// NULL (nil) is written as an empty unquoted field and the empty string as `""`, so COPY's CSV
/// convention reads them back apart. With `neutralizeFormulas`, a text cell starting with `=`, `+`, `-`,
/// `@`, tab or CR is prefixed with `'` so that spreadsheets show it as text (OWASP "CSV injection");
/// numbers written with `number(_:)` are never altered.
public struct CSVWriter {
  public var lineEnding: String
  public var neutralizeFormulas: Bool
  public private(set) var output = ""
  private var fieldsInRecord = 0

  public init(lineEnding: String = "\r\n", neutralizeFormulas: Bool = false) {
    self.lineEnding = lineEnding
    self.neutralizeFormulas = neutralizeFormulas
  }

  /// A text field; nil is NULL.
  public mutating func field(_ value: String?) {
    separate()
    guard var value else { return }
    if neutralizeFormulas, let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) {
      value = "'" + value
    }
    output += CSVWriter.quoteIfNeeded(value)
  }

  /// A number or other value that is never neutralised (`-3.5` stays a number).
  public mutating func number(_ value: String) {
    separate()
    output += value
  }

  /// A whole record of text fields.
  public mutating func record(_ values: [String?]) {
    for value in values { field(value) }
    endRecord()
  }

  public mutating func endRecord() {
    output += lineEnding
    fieldsInRecord = 0
  }

  /// Takes the text written so far, emptying the writer (for streaming to a file).
  public mutating func take() -> String {
    defer { output = "" }
    return output
  }

  /// The field as it appears in a file.
  public static func quoteIfNeeded(_ value: String) -> String {
    if value.isEmpty { return "\"\"" }
    var needsQuotes = false
    for byte in value.utf8 where byte == 44 || byte == 34 || byte == 10 || byte == 13 {
      needsQuotes = true
      break
    }
    if let first = value.utf8.first, first == 32 || first == 9 { needsQuotes = true }
    if let last = value.utf8.last, last == 32 || last == 9 { needsQuotes = true }
    guard needsQuotes else { return value }
    return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  private mutating func separate() {
    if fieldsInRecord > 0 { output += "," }
    fieldsInRecord += 1
  }
}
