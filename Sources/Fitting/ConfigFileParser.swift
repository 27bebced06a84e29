import Foundation

/// The TOML subset of the configuration files (the policy file, `pricing run`'s file): `[section]`
/// headers, `key = value` lines whose value is a number, `true`/`false` or a double-quoted string (with
/// `\"` and `\\` escapes), `#` comments and blank lines; lines end in LF or CR LF. Enough for flat
/// settings, and strict: anything else, a section header or a setting that appears twice included, is a
/// `FitError.configuration` naming the file and line (both lines for a duplicate). What the keys mean is
/// the caller's.
public enum ConfigFileParser {
  /// A parsed file: its settings in order, and every section header with its line (a section may have
  /// no keys).
  public struct Document: Sendable {
    public var entries: [Entry] = []
    public var sections: [(name: String, line: Int)] = []
  }

  public struct Entry: Sendable, Equatable {
    public let section: String
    public let key: String
    /// The value with string quotes removed and escapes resolved.
    public let value: String
    public let isString: Bool
    public let line: Int

    public var setting: String { section.isEmpty ? key : "\(section).\(key)" }

    public init(section: String, key: String, value: String, isString: Bool, line: Int) {
      self.section = section
      self.key = key
      self.value = value
      self.isString = isString
      self.line = line
    }
  }

  public static func parse(_ text: String, name: String) throws -> Document {
    var document = Document()
    var section = ""
    var sectionLines: [String: Int] = [:]
    var settingLines: [String: Int] = [:]
    // "\r\n" is one Character in Swift: split on either ending.
    let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    for (offset, rawLine) in lines.enumerated() {
      let line = offset + 1
      func fail(_ message: String) -> FitError {
        FitError(code: .configuration, message: "\(name):\(line): \(message)")
      }
      // A file written on Windows ends its lines with CR LF: the CR is part of the line ending.
      var text = String(rawLine)
      if text.hasSuffix("\r") { text.removeLast() }
      let content = stripComment(text).trimmingCharacters(in: .whitespaces)
      if content.isEmpty { continue }
      if content.hasPrefix("[") {
        guard content.hasSuffix("]"), content.count > 2 else { throw fail("malformed section header") }
        section = String(content.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
        if let first = sectionLines[section] {
          throw fail("section [\(section)] appears twice (first at line \(first))")
        }
        sectionLines[section] = line
        document.sections.append((section, line))
        continue
      }
      guard let equals = content.firstIndex(of: "=") else { throw fail("expected key = value") }
      let key = content[..<equals].trimmingCharacters(in: .whitespaces)
      let raw = content[content.index(after: equals)...].trimmingCharacters(in: .whitespaces)
      guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
        throw fail("malformed key \(key)")
      }
      let setting = section.isEmpty ? key : "\(section).\(key)"
      if let first = settingLines[setting] { throw fail("\(setting) is set twice (first at line \(first))") }
      settingLines[setting] = line
      if raw.hasPrefix("\"") {
        guard raw.count >= 2, raw.hasSuffix("\""), let value = unescape(String(raw.dropFirst().dropLast())) else {
          throw fail("malformed string for \(key)")
        }
        document.entries.append(Entry(section: section, key: key, value: value, isString: true, line: line))
      } else {
        guard !raw.isEmpty else { throw fail("missing value for \(key)") }
        document.entries.append(Entry(section: section, key: key, value: raw, isString: false, line: line))
      }
    }
    return document
  }

  /// The line without a `#` comment (a `#` inside a string stays).
  static func stripComment(_ line: String) -> String {
    var inString = false
    var escaped = false
    for (index, character) in zip(line.indices, line) {
      if escaped {
        escaped = false
      } else if character == "\\" && inString {
        escaped = true
      } else if character == "\"" {
        inString.toggle()
      } else if character == "#" && !inString {
        return String(line[..<index])
      }
    }
    return line
  }

  /// The text of a quoted value without its escapes, or nil when they are malformed.
  public static func unescape(_ text: String) -> String? {
    var result = ""
    var escaped = false
    for character in text {
      if escaped {
        switch character {
        case "\\": result.append("\\")
        case "\"": result.append("\"")
        case "n": result.append("\n")
        case "t": result.append("\t")
        default: return nil
        }
        escaped = false
      } else if character == "\\" {
        escaped = true
      } else if character == "\"" {
        return nil
      } else {
        result.append(character)
      }
    }
    return escaped ? nil : result
  }
}
