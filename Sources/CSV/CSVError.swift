/// The one error type of the CSV module: what went wrong, and where (file, line, field).
public struct CSVError: Error, CustomStringConvertible, Sendable, Equatable {
  public enum Code: String, Sendable {
    /// The bytes are not valid CSV (an unterminated or stray quote).
    case malformed
    /// A record has more or fewer fields than the header (or the first record).
    case wrongFieldCount
    /// A field's value is not what the caller needs (not a number, NaN, infinite...).
    case invalidValue
    /// A column the caller asked for is not in the header.
    case missingColumn
    /// The input holds no header row.
    case empty
    /// The file could not be opened or read.
    case io
  }

  public var code: Code
  public var message: String
  /// The file, when reading one.
  public var file: String?
  /// The 1-based physical line where the record starts (embedded newlines counted).
  public var line: Int?
  /// The column's header name, or its 1-based position when there is no header.
  public var column: String?

  public init(code: Code, message: String, file: String? = nil, line: Int? = nil, column: String? = nil) {
    self.code = code
    self.message = message
    self.file = file
    self.line = line
    self.column = column
  }

  /// `FILE:LINE: column COL: message`, leaving out what is unknown.
  public var description: String {
    var location = ""
    if let file { location += file }
    if let line { location += (location.isEmpty ? "line " : ":") + String(line) }
    var text = location.isEmpty ? "" : location + ": "
    if let column { text += "column \(column): " }
    return text + message
  }
}
