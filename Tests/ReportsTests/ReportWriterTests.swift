import Foundation
import Postgres
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

  @Test("only a report folder is replaced: a folder holding other things, or a file, is refused and left as it is")
  func refusesOtherFolders() throws {
    let parent = try scratch()
    defer { try? FileManager.default.removeItem(at: parent) }
    let home = parent.appendingPathComponent("home")
    try FileManager.default.createDirectory(
      at: home.appendingPathComponent("photos"), withIntermediateDirectories: true)
    try Data("keep me".utf8).write(to: home.appendingPathComponent("index.html"))
    try Data("keep me too".utf8).write(to: home.appendingPathComponent("notes.txt"))
    let folderError = #expect(throws: ReportError.self) {
      try ReportWriter(directory: home).write([("index.html", "report")])
    }
    #expect(
      folderError?.description
        == "report output \(home.path): holds files that are not a report; name a new or empty folder (it was left as it is)"
    )
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: home.path).sorted() == ["index.html", "notes.txt", "photos"])
    #expect(try String(contentsOf: home.appendingPathComponent("index.html"), encoding: .utf8) == "keep me")

    let file = parent.appendingPathComponent("prices.csv")
    try Data("a,b\n".utf8).write(to: file)
    let fileError = #expect(throws: ReportError.self) { try ReportWriter(directory: file).write([("index.html", "x")]) }
    #expect(fileError?.description == "report output \(file.path): exists and is not a folder")
    #expect(try String(contentsOf: file, encoding: .utf8) == "a,b\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path).sorted() == ["home", "prices.csv"])
  }

  @Test(
    "an empty folder and a marked report folder are replaced",
    arguments: [[], [ReportWriter.markerName, "index.html", "notes.txt"]])
  func replacesReportFolders(existing: [String]) throws {
    let parent = try scratch()
    defer { try? FileManager.default.removeItem(at: parent) }
    let out = parent.appendingPathComponent("report")
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    for name in existing { try Data("old".utf8).write(to: out.appendingPathComponent(name)) }
    try ReportWriter(directory: out).write([("index.html", "new")])
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() == [ReportWriter.markerName, "index.html"])
    #expect(try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8) == "new")
  }

  @Test("a static site folder (index.html, another page, a CSV, no marker) is refused and kept")
  func refusesWebRoot() throws {
    let parent = try scratch()
    defer { try? FileManager.default.removeItem(at: parent) }
    let site = parent.appendingPathComponent("www")
    try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
    for name in ["index.html", "about.html", "prices.csv"] {
      try Data("site".utf8).write(to: site.appendingPathComponent(name))
    }
    #expect(throws: ReportError.self) { try ReportWriter(directory: site).write([("index.html", "report")]) }
    #expect(try FileManager.default.contentsOfDirectory(atPath: site.path).sorted() == ["about.html", "index.html", "prices.csv"])
  }

  @Test("--out naming a symbolic link writes into the folder it names; the link stays a link")
  func followsLink() throws {
    let parent = try scratch()
    defer { try? FileManager.default.removeItem(at: parent) }
    let target = parent.appendingPathComponent("reports-2026")
    let link = parent.appendingPathComponent("current")
    try ReportWriter(directory: target).write([("index.html", "old")])
    try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "reports-2026")
    try ReportWriter(directory: link).write([("index.html", "new")])
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == "reports-2026")
    #expect(try String(contentsOf: target.appendingPathComponent("index.html"), encoding: .utf8) == "new")
  }

  @Test("a process killed between the renames: the next write puts the previous report back, then replaces it; leftovers of dead processes go")
  func recoversLeftovers() throws {
    let parent = try scratch()
    defer { try? FileManager.default.removeItem(at: parent) }
    let out = parent.appendingPathComponent("report")
    try ReportWriter(directory: out).write([("index.html", "old")])
    // A pid that is not running: a child that has exited and been reaped.
    let child = Process()
    child.executableURL = URL(fileURLWithPath: "/bin/true")
    try child.run()
    child.waitUntilExit()
    let dead = child.processIdentifier
    try FileManager.default.moveItem(at: out, to: parent.appendingPathComponent(".report.previous-\(dead)"))
    try FileManager.default.createDirectory(
      at: parent.appendingPathComponent(".report.partial-\(dead)"), withIntermediateDirectories: true)
    // A write that fails after the recovery leaves the previous report back in place.
    #expect(throws: ReportError.self) {
      try ReportWriter(directory: out).write([("index.html", "new"), ("sub/x.csv", "x")])
    }
    #expect(try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8) == "old")
    try ReportWriter(directory: out).write([("index.html", "new")])
    #expect(try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8) == "new")
    #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path) == ["report"])
  }
}

@Suite("Report archive: dated copies under the report folder, an index, retention")
final class ReportArchiveTests {
  /// A fresh folder per test (Swift Testing makes an instance per test), removed with it.
  let parent: URL
  var out: URL { parent.appendingPathComponent("report") }
  var writer: ReportWriter { ReportWriter(directory: out) }

  init() throws {
    parent = FileManager.default.temporaryDirectory.appendingPathComponent("archive-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(at: parent) }

  func read(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

  /// An archive of `day` whose copy is `text` (and a CSV named after the day), retention `keep` days.
  func archive(_ day: String, _ text: String, keep: Int = 90, today: String = "2026-12-31") -> ReportArchive {
    ReportArchive(
      day: LocalDate(iso: day)!, files: [("index.html", text), ("summary.csv", day)], keepDays: keep,
      today: LocalDate(iso: today)!)
  }

  @Test("each night goes into archive/DAY; the index lists them newest first; the current report stays in place")
  func archives() throws {
    for (day, text) in [("2026-12-05", "fifth"), ("2026-12-06", "sixth"), ("2026-12-07", "seventh")] {
      let written = try writer.write([("index.html", "current " + text)], archive: archive(day, text))
      #expect(written.archiveError == nil)
    }
    #expect(try read(out.appendingPathComponent("index.html")) == "current seventh")
    #expect(try read(out.appendingPathComponent("archive/2026-12-05/index.html")) == "fifth")
    #expect(try read(out.appendingPathComponent("archive/2026-12-06/summary.csv")) == "2026-12-06")
    let index = try read(out.appendingPathComponent("archive/index.html"))
    #expect(parseErrors(index) == nil)
    let seventh = try #require(index.range(of: "href=\"2026-12-07/index.html\"")).lowerBound
    let fifth = try #require(index.range(of: "href=\"2026-12-05/index.html\"")).lowerBound
    #expect(seventh < fifth)
    #expect(index.contains("<a href=\"../index.html\">The current report</a>"))
    // A re-run of a day replaces that day's copy; nothing is left behind beside the report folder.
    try writer.write([("index.html", "current")], archive: archive("2026-12-07", "seventh again"))
    #expect(try read(out.appendingPathComponent("archive/2026-12-07/index.html")) == "seventh again")
    #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path) == ["report"])
    // Turning the archive off adds nothing and keeps what is there.
    try writer.write([("index.html", "plain")])
    #expect(try read(out.appendingPathComponent("index.html")) == "plain")
    #expect(try read(out.appendingPathComponent("archive/2026-12-05/index.html")) == "fifth")
  }

  @Test("reports more than keep_days before the newest go, never counted from after today; other entries stay")
  func retention() throws {
    try writer.write([("index.html", "x")], archive: archive("2026-11-01", "old", keep: 30, today: "2026-11-01"))
    try FileManager.default.createDirectory(
      at: out.appendingPathComponent("archive/notes"), withIntermediateDirectories: true)
    try writer.write([("index.html", "x")], archive: archive("2026-11-07", "edge", keep: 30, today: "2026-11-07"))
    // A mistyped future period is kept, but prunes from today (2026-11-10), not from 2099.
    try writer.write([("index.html", "x")], archive: archive("2099-01-01", "typo", keep: 30, today: "2026-11-10"))
    var names = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("archive").path)
    #expect(names.sorted() == ["2026-11-01", "2026-11-07", "2099-01-01", "index.html", "notes"])
    try writer.write([("index.html", "x")], archive: archive("2026-12-07", "new", keep: 30, today: "2026-12-07"))
    names = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("archive").path)
    #expect(names.sorted() == ["2026-11-07", "2026-12-07", "2099-01-01", "index.html", "notes"])
  }

  @Test("an archive that cannot be written: the current report still is, the error names the path, nothing is lost")
  func failingArchive() throws {
    try writer.write([("index.html", "first")])
    // Something that is not a folder sits where the archive goes.
    try Data("keep me".utf8).write(to: out.appendingPathComponent("archive"))
    let written = try writer.write([("index.html", "second")], archive: archive("2026-12-07", "copy"))
    #expect(try read(out.appendingPathComponent("index.html")) == "second")
    let error = try #require(written.archiveError)
    #expect(error.code == .output)
    #expect(
      error.description
        == "report output \(out.path)/archive: exists and is not a folder; the archive must be a folder (it was kept as it is)")
    #expect(try read(out.appendingPathComponent("archive")) == "keep me")
  }

  @Test("a writer killed while it carried the archive: the next write puts the archive back under the report")
  func killedWriter() throws {
    try writer.write([("index.html", "current")], archive: archive("2026-12-06", "sixth"))
    // What a writer killed after moving the archive into its new folder leaves: the archive inside its
    // partial folder, under the pid of a process that has exited.
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/true")
    try process.run()
    process.waitUntilExit()
    let partial = parent.appendingPathComponent(".report.partial-\(process.processIdentifier)")
    try FileManager.default.createDirectory(at: partial, withIntermediateDirectories: true)
    try FileManager.default.moveItem(at: out.appendingPathComponent("archive"), to: partial.appendingPathComponent("archive"))
    try writer.write([("index.html", "next")], archive: archive("2026-12-07", "seventh"))
    #expect(try read(out.appendingPathComponent("archive/2026-12-06/index.html")) == "sixth")
    #expect(try read(out.appendingPathComponent("archive/2026-12-07/index.html")) == "seventh")
    #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path) == ["report"])
  }

  @Test("two writers at once take turns: both nights stay in the archive")
  func concurrentWriters() throws {
    try writer.write([("index.html", "first")], archive: archive("2026-12-01", "first"))
    let out = self.out
    DispatchQueue.concurrentPerform(iterations: 2) { index in
      let day = index == 0 ? "2026-12-06" : "2026-12-07"
      _ = try? ReportWriter(directory: out).write(
        [("index.html", day)],
        archive: ReportArchive(
          day: LocalDate(iso: day)!, files: [("index.html", day)], keepDays: 90, today: LocalDate(iso: "2026-12-07")!))
    }
    let names = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("archive").path)
    #expect(names.sorted() == ["2026-12-01", "2026-12-06", "2026-12-07", "index.html"])
    #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path) == ["report"])
  }

  @Test("a report for a period older than keep_days is kept when written; later writes prune it")
  func oldPeriod() throws {
    try writer.write([("index.html", "x")], archive: archive("2026-12-07", "now", keep: 30, today: "2026-12-07"))
    try writer.write([("index.html", "x")], archive: archive("1990-03-31", "old", keep: 30, today: "2026-12-07"))
    #expect(try read(out.appendingPathComponent("archive/1990-03-31/index.html")) == "old")
    try writer.write([("index.html", "x")], archive: archive("2026-12-08", "next", keep: 30, today: "2026-12-08"))
    #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("archive/1990-03-31").path))
  }
}
