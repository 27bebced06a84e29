/// A section of the report: a heading, a sentence on what it shows, and its charts and tables in order.
public struct ReportSectionSpec: Sendable {
  public enum Block: Sendable {
    case chart(ReportChart)
    case table(String)
  }

  public let id: String
  public let title: String
  public let intro: String
  public let blocks: [Block]

  public init(id: String, title: String, intro: String, blocks: [Block]) {
    self.id = id
    self.title = title
    self.intro = intro
    self.blocks = blocks
  }
}
