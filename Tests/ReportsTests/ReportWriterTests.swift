import Foundation
import Reports
import Testing

@Suite("Report folder written all or nothing")
struct ReportWriterTests {
  func scratch() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  @Test("a new report replaces the old folder whole and leaves no partial folder behind")
  func replaces() throws {
    let parent = try scratch()
    defer { try? FileManager.default.removeItem(at: parent) }
    let out = parent.appendingPathComponent("report")
    try ReportWriter(directory: out).write([("index.html", "old"), ("stale.csv", "x")])
    try ReportWriter(directory: out).write([("index.html", "new")])
    #expect(try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8) == "new")
    #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("stale.csv").path))
    #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path) == ["report"])
  }

  @Test("an unwritable destination fails with the path and the reason; the previous report stays")
  func unwritable() throws {
    let parent = try scratch()
    defer { try? FileManager.default.removeItem(at: parent) }
    let file = parent.appendingPathComponent("a-file")
    try Data("x".utf8).write(to: file)
    let out = file.appendingPathComponent("report")
    do {
      try ReportWriter(directory: out).write([("index.html", "new")])
      Issue.record("expected an error")
    } catch let error as ReportError {
      #expect(error.code == .output)
      #expect(error.description == "report output \(parent.path)/a-file: Not a directory")
    }
    // A file in the way of one of the report's files: the old folder is kept as it was.
    let good = parent.appendingPathComponent("report")
    try ReportWriter(directory: good).write([("index.html", "old")])
    #expect(throws: ReportError.self) {
      try ReportWriter(directory: good).write([("index.html", "new"), ("sub/x.csv", "x")])
    }
    #expect(try String(contentsOf: good.appendingPathComponent("index.html"), encoding: .utf8) == "old")
    #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path).sorted() == ["a-file", "report"])
  }
}
