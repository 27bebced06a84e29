/// Writes HTML (and inline SVG) as well-formed markup: every element is closed, every attribute quoted,
/// and every text or attribute value escaped (`&`, `<`, `>`, `"`, `'`). Nothing from the database ever
/// reaches the output except through `text(_:)` or an attribute value.
public struct HTMLBuilder {
  public private(set) var output = ""

  public init() {}

  // MARK: - Escaping

  /// `&<>"'` as character references; control characters other than tab and newline are dropped (they
  /// are not allowed in HTML or XML text), and so are the other scalars `UntrustedText` removes
  /// (bidirectional overrides and isolates, C1 controls).
  public static func escape(_ text: String) -> String {
    var escaped = ""
    escaped.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": escaped += "&amp;"
      case "<": escaped += "&lt;"
      case ">": escaped += "&gt;"
      case "\"": escaped += "&quot;"
      case "'": escaped += "&#39;"
      case "\t", "\n": escaped.unicodeScalars.append(scalar)
      case _ where UntrustedText.isRemoved(scalar) || scalar == "\r": continue
      default: escaped.unicodeScalars.append(scalar)
      }
    }
    return escaped
  }

  // MARK: - Writing

  /// Escaped text.
  public mutating func text(_ text: String) { output += HTMLBuilder.escape(text) }

  /// Markup written as is: only for constant strings of this module (CSS, the doctype).
  mutating func raw(_ markup: String) { output += markup }

  /// `<name a="v">content</name>`; attributes with a nil value are left out.
  public mutating func element(
    _ name: String, _ attributes: KeyValuePairs<String, String?> = [:], content: (inout HTMLBuilder) -> Void = { _ in }
  ) {
    open(name, attributes)
    content(&self)
    output += "</\(name)>"
  }

  /// `<name a="v">text</name>` with the text escaped.
  public mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String?> = [:], text: String) {
    element(name, attributes) { $0.text(text) }
  }

  /// A void element written self-closed (`<meta charset="utf-8"/>`), valid in HTML and XML.
  public mutating func void(_ name: String, _ attributes: KeyValuePairs<String, String?> = [:]) {
    output += "<\(name)"
    writeAttributes(attributes)
    output += "/>"
  }

  private mutating func open(_ name: String, _ attributes: KeyValuePairs<String, String?>) {
    output += "<\(name)"
    writeAttributes(attributes)
    output += ">"
  }

  private mutating func writeAttributes(_ attributes: KeyValuePairs<String, String?>) {
    for (key, value) in attributes {
      guard let value else { continue }
      output += " \(key)=\"\(HTMLBuilder.escape(value))\""
    }
  }
}

extension HTMLBuilder {
  /// A whole self-contained page: the doctype, `<html lang="en">`, a head with the charset, a viewport for
  /// phones, `title` and the inline `css` (a constant of this module), and the body `content` writes.
  static func page(title: String, css: String, content: (inout HTMLBuilder) -> Void) -> String {
    var html = HTMLBuilder()
    html.raw("<!DOCTYPE html>\n")
    html.element("html", ["lang": "en"]) { html in
      html.element("head") { head in
        head.void("meta", ["charset": "utf-8"])
        head.void("meta", ["name": "viewport", "content": "width=device-width, initial-scale=1"])
        head.element("title", text: title)
        head.element("style") { $0.raw(css) }
      }
      html.element("body", content: content)
    }
    html.raw("\n")
    return html.output
  }
}
