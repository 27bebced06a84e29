import Foundation
import Postgres

/// The archive of past reports kept under the report folder (`report.archive = true`):
/// `archive/YYYY-MM-DD/` per report (named by the period's last day), `archive/index.html` listing them
/// newest first, and reports older than `keepDays` before the newest removed. The current report stays
/// at the report folder itself.
///
/// `ReportWriter` calls `assemble` while the new report folder is still private (`.DIR.partial-<pid>`):
/// the archive is moved across from the report being replaced (a rename, nothing copied), today's copy is
/// added and the index rewritten, then the whole folder replaces the old one at once. Only entries named
/// like a date are ever removed; anything else under `archive/` is left as it is.
public struct ReportArchive: Sendable {
  /// The folder's name under the report folder.
  public static let folderName = "archive"

  /// The dated folder this report goes into: the period's last day.
  public let day: LocalDate
  public let keepDays: Int

  public init(day: LocalDate, keepDays: Int) {
    self.day = day
    self.keepDays = keepDays
  }

  /// Moves the old report's archive (`live/archive`) into the new report folder `partial`, adds today's
  /// copy of `files` and rewrites the index. Returns whether the old archive is now inside `partial` (so
  /// the old report folder may go) and the error, if any, that stopped the archive.
  func assemble(partial: String, live: String, files: [(name: String, contents: String)]) -> (
    carried: Bool, error: ReportError?
  ) {
    let source = "\(live)/\(ReportArchive.folderName)"
    let target = "\(partial)/\(ReportArchive.folderName)"
    var status = stat()
    if lstat(source, &status) == 0 {
      // Moved whatever it is, so that nothing under the old report is lost with it.
      if rename(source, target) != 0 {
        return (false, ReportWriter.error(source))
      }
      guard (status.st_mode & S_IFMT) == S_IFDIR else {
        return (true, ReportError(code: .output, message: "exists and is not a folder", context: source))
      }
    } else if errno != ENOENT && errno != ENOTDIR {
      return (false, ReportWriter.error(source))
    } else if mkdir(target, 0o755) != 0 {
      return (true, ReportWriter.error(target))
    }
    do {
      try addCopy(of: files, into: target)
      let reports = try prune(target)
      try ReportWriter.writeFile("\(target)/index.html", ReportArchive.index(reports))
      return (true, nil)
    } catch let error as ReportError {
      return (true, error)
    } catch {
      return (true, ReportError(code: .output, message: "\(error)", context: target))
    }
  }

  /// Writes `archive/DAY/` whole: into a hidden sibling first, then renamed into place (a report of the
  /// same day is replaced).
  private func addCopy(of files: [(name: String, contents: String)], into archive: String) throws {
    let final = "\(archive)/\(day)"
    let staging = "\(archive)/.\(day).partial-\(getpid())"
    ReportWriter.removeTree(staging)
    try ReportWriter.check(mkdir(staging, 0o755), staging)
    do {
      for file in files { try ReportWriter.writeFile("\(staging)/\(file.name)", file.contents) }
      ReportWriter.removeTree(final)
      try ReportWriter.check(rename(staging, final), final)
    } catch {
      ReportWriter.removeTree(staging)
      throw error
    }
  }

  /// Removes dated reports older than `keepDays` before this one (and staging folders of dead writes);
  /// returns the dates kept, newest first.
  private func prune(_ archive: String) throws -> [LocalDate] {
    var kept: [LocalDate] = []
    let oldest = day.adding(days: -keepDays)
    for name in try ReportWriter.entries(archive) {
      if name.hasPrefix("."), name.contains(".partial-") {
        ReportWriter.removeTree("\(archive)/\(name)")
        continue
      }
      guard let date = LocalDate(iso: name), name == date.description else { continue }
      if date < oldest {
        ReportWriter.removeTree("\(archive)/\(name)")
      } else {
        kept.append(date)
      }
    }
    return kept.sorted(by: >)
  }

  /// The archive's `index.html`: every kept report, newest first, and a link to the current one.
  static func index(_ reports: [LocalDate]) -> String {
    var html = HTMLBuilder()
    html.raw("<!DOCTYPE html>\n")
    html.element("html", ["lang": "en"]) { html in
      html.element("head") { head in
        head.void("meta", ["charset": "utf-8"])
        head.void("meta", ["name": "viewport", "content": "width=device-width, initial-scale=1"])
        head.element("title", text: "Earlier reports")
        head.element("style") {
          $0.raw(
            "body{font-family:system-ui,sans-serif;color:#1a1a1a;margin:0 auto;max-width:700px;padding:1rem 1.5rem;line-height:1.5}a{color:#0b5394}"
          )
        }
      }
      html.element("body") { body in
        body.element("main") { main in
          main.element("h1", text: "Earlier reports")
          main.element("p") { paragraph in
            paragraph.text("Newest first, each named by the last day of its period. ")
            paragraph.element("a", ["href": "../index.html"], text: "The current report")
            paragraph.text(".")
          }
          main.element("ul") { list in
            for date in reports {
              list.element("li") { item in
                item.element("a", ["href": "\(date)/index.html"], text: "Report to \(date)")
              }
            }
          }
        }
      }
    }
    html.raw("\n")
    return html.output
  }
}
