/// Writes the accessible frame every chart shares: a `<figure>` holding an `<svg role="img">` whose
/// `<title>` and `<desc>` name and describe it (read by screen readers, shown as a caption too).
struct ChartFrame {
  let id: String
  let title: String
  let description: String
  let width: Double
  let height: Double

  func render(into html: inout HTMLBuilder, drawing: (inout HTMLBuilder) -> Void) {
    html.element("figure", ["class": "chart", "id": id]) { html in
      html.element(
        "svg",
        [
          "xmlns": "http://www.w3.org/2000/svg", "role": "img", "aria-labelledby": "\(id)-title \(id)-desc",
          "viewBox": "0 0 \(Int(width)) \(Int(height))", "width": "\(Int(width))", "height": "\(Int(height))",
          "style": ChartStyle.font,
        ]
      ) { svg in
        svg.element("title", ["id": "\(id)-title"], text: title)
        svg.element("desc", ["id": "\(id)-desc"], text: description)
        drawing(&svg)
      }
      html.element("figcaption") { caption in
        caption.element("strong", text: title)
        caption.text(". " + description)
      }
    }
  }
}
