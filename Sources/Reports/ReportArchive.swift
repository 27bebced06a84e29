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
  /// The files of the dated copy (the report as seen from `archive/DAY/`).
  public let files: [(name: String, contents: String)]
  public let keepDays: Int
  /// Retention counts back from the newest archived day, but never from a day after `today`: a report
  /// for a mistyped future period cannot prune the archive.
  public let today: LocalDate

  public init(day: LocalDate, files: [(name: String, contents: String)], keepDays: Int, today: LocalDate) {
    self.day = day
    self.files = files
    self.keepDays = keepDays
    self.today = today
  }

  /// What happened to the archive while a new report folder was assembled.
  struct Assembly {
    /// The old report's archive now sits in the new folder (it must go back if the write fails).
    var moved = false
    /// The old report's archive could not be moved: the old folder must not be deleted.
    var stranded = false
    var error: ReportError?
  }

  /// Moves the old report's archive (`live/archive`) into the new report folder `partial` whenever there
  /// is one, and with `archive` adds its dated copy and rewrites the index.
  static func assemble(_ archive: ReportArchive?, partial: String, live: String) -> Assembly {
    let source = "\(live)/\(folderName)"
    let target = "\(partial)/\(folderName)"
    var assembly = Assembly()
    var status = stat()
    if lstat(source, &status) == 0 {
      // Moved whatever it is, so that nothing under the old report is lost with it.
      guard rename(source, target) == 0 else {
        assembly.stranded = true
        assembly.error = ReportWriter.error(source)
        return assembly
      }
      assembly.moved = true
      guard (status.st_mode & S_IFMT) == S_IFDIR else {
        if archive != nil {
          let what = (status.st_mode & S_IFMT) == S_IFLNK ? "is a symbolic link" : "exists and is not a folder"
          assembly.error = ReportError(
            code: .output, message: "\(what); the archive must be a folder (it was kept as it is)", context: source)
        }
        return assembly
      }
    } else if errno != ENOENT && errno != ENOTDIR {
      assembly.stranded = true
      assembly.error = ReportWriter.error(source)
      return assembly
    }
    guard let archive else { return assembly }
    if !assembly.moved && mkdir(target, 0o755) != 0 {
      assembly.error = ReportWriter.error(target)
      return assembly
    }
    do {
      try archive.addCopy(into: target)
      let reports = try archive.prune(target)
      try ReportWriter.writeFile("\(target)/index.html", ReportArchive.index(reports))
    } catch let error as ReportError {
      assembly.error = error
    } catch {
      assembly.error = ReportError(code: .output, message: "\(error)", context: target)
    }
    return assembly
  }

  /// Writes `archive/DAY/` whole: into a hidden sibling first, then renamed into place (a report of the
  /// same day is replaced).
  private func addCopy(into archive: String) throws {
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

  /// Removes dated reports more than `keepDays` before the newest (never counting from after `today`)
  /// and the staging folders of writers that are gone; returns the dates kept, newest first.
  private func prune(_ archive: String) throws -> [LocalDate] {
    var dates: [LocalDate] = []
    for name in try ReportWriter.entries(archive) {
      let prefix = name.split(separator: ".", omittingEmptySubsequences: true).first.map(String.init) ?? ""
      if name.hasPrefix("."), let range = name.range(of: ".partial-"), let pid = Int32(name[range.upperBound...]),
        pid != getpid(), LocalDate(iso: prefix) != nil, kill(pid, 0) != 0, errno == ESRCH
      {
        ReportWriter.removeTree("\(archive)/\(name)")
        continue
      }
      if let date = LocalDate(iso: name), name == date.description { dates.append(date) }
    }
    let newest = min(dates.max() ?? day, today)
    let oldest = newest.adding(days: -keepDays)
    // The copy just written stays whatever its day (a report asked for an old period); later writes prune it.
    let kept = dates.filter { $0 >= oldest || $0 == day }
    for date in dates where !kept.contains(date) { ReportWriter.removeTree("\(archive)/\(date)") }
    return kept.sorted(by: >)
  }

  /// The archive's `index.html`: every kept report, newest first, and a link to the current one.
  static func index(_ reports: [LocalDate]) -> String {
    HTMLBuilder.page(title: "Earlier reports", css: indexCSS) { body in
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

  static let indexCSS =
    "body{font-family:system-ui,sans-serif;color:#1a1a1a;margin:0 auto;max-width:700px;padding:1rem 1.5rem;line-height:1.5}a{color:#0b5394}"
}
