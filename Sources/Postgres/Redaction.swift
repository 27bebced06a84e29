import CLibPQ
import Foundation

/// Keeps passwords out of messages: any password found in a connection string is replaced by `***`
/// wherever it appears in a message derived from that connection string.
extension Connection {
  /// A connection string with any password in it replaced by `***`, for showing settings; one libpq
  /// cannot parse is not shown at all (its password cannot be told from the rest).
  public static func masked(_ conninfo: String) -> String {
    guard !Redaction.isConnectionString(conninfo) || Redaction.parses(conninfo) else {
      return "(a malformed connection string, not shown)"
    }
    return Redaction.redact(conninfo, conninfo)
  }
}

enum Redaction {
  /// Whether libpq reads `text` as a connection string rather than a database name (`expand_dbname`):
  /// it holds `=`, or starts with a `postgresql://` or `postgres://` URI prefix.
  static func isConnectionString(_ text: String) -> Bool {
    text.contains("=") || text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
  }

  /// Whether libpq parses the connection string.
  static func parses(_ conninfo: String) -> Bool {
    var errorMessage: UnsafeMutablePointer<CChar>?
    let options = PQconninfoParse(conninfo, &errorMessage)
    if let errorMessage { PQfreemem(errorMessage) }
    guard let options else { return false }
    PQconninfoFree(options)
    return true
  }

  static func redact(_ message: String, _ conninfo: String) -> String {
    var result = message
    for secret in passwords(in: conninfo) where !secret.isEmpty {
      result = result.replacingOccurrences(of: secret, with: "***")
    }
    return result
  }

  /// Passwords in a keyword/value string or URI: from libpq's own parser when it accepts the string,
  /// and from the two textual spellings (`password=...`, `scheme://user:password@`) in any case.
  static func passwords(in conninfo: String) -> [String] {
    var found: [String] = []
    var errorMessage: UnsafeMutablePointer<CChar>?
    if let options = PQconninfoParse(conninfo, &errorMessage) {
      var option = options
      while let keyword = option.pointee.keyword {
        if String(cString: keyword) == "password", let value = option.pointee.val {
          found.append(String(cString: value))
        }
        option += 1
      }
      PQconninfoFree(options)
    }
    if let errorMessage { PQfreemem(errorMessage) }
    // Keyword/value spellings, then a URI's query parameter (which ends at `&`), then its user info.
    let patterns = [
      #"(?<![?&])password\s*=\s*'((?:[^'\\]|\\.)*)'"#, #"(?<![?&])password\s*=\s*([^\s']+)"#,
      #"[?&]password=([^&#\s]*)"#, #"://[^:/@\s]*:([^@\s]*)@"#,
    ]
    for pattern in patterns {
      guard let regex = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else { continue }
      let range = NSRange(conninfo.startIndex..., in: conninfo)
      for match in regex.matches(in: conninfo, range: range) {
        if let captured = Range(match.range(at: 1), in: conninfo) { found.append(String(conninfo[captured])) }
      }
    }
    if let decoded = found.compactMap({ $0.removingPercentEncoding }).first { found.append(decoded) }
    return found.sorted { $0.count > $1.count }
  }
}
