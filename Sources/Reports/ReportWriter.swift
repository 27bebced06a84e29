import Foundation

/// Writes a report folder all or nothing: every file goes into a fresh sibling folder
/// (`.DIR.partial-<pid>`), which then replaces `DIR` by rename(2), so a reader or an interrupted run never
/// sees a half-written report. The previous report stays in place until the new one is complete.
///
/// Writers take turns: each holds an exclusive lock (flock(2)) on the folder that holds `DIR` while it
/// writes, so two reports at once never lose each other's archive.
///
/// Only a report folder is ever replaced (`checkDestination`): a mistyped `--out` that names a home
/// folder, a web root or a file is refused and left as it is, since replacing it would delete it. A
/// symbolic link to a folder is followed: the report replaces the folder it names, and the link stays.
///
/// A process killed between the two renames leaves the previous report under `.DIR.previous-<pid>` and
/// no `DIR`; the next write puts it back before anything else, and removes what dead processes left
/// (`.DIR.partial-<pid>`, `.DIR.previous-<pid>`).
///
/// Plain POSIX calls, so that errors carry the operating system's reason (`No space left on device`,
/// `Permission denied`, `Not a directory`) and the path.
public struct ReportWriter {
  public let directory: URL

  /// The file that marks a folder as a report written here, so that the next report may replace it.
  public static let markerName = ".pricing-report"

  public init(directory: URL) {
    self.directory = ReportWriter.followingLink(directory.standardizedFileURL)
  }

  /// The folder a symbolic link names (absolute), else the path itself; after 40 links (a loop) the path
  /// reached, which then fails to open with the system's "Too many levels of symbolic links".
  static func followingLink(_ url: URL, hops: Int = 40) -> URL {
    guard hops > 0, let target = try? FileManager.default.destinationOfSymbolicLink(atPath: url.path) else { return url }
    let resolved =
      target.hasPrefix("/") ? URL(fileURLWithPath: target) : url.deletingLastPathComponent().appendingPathComponent(target)
    return followingLink(resolved.standardizedFileURL, hops: hops - 1)
  }

  /// Checks that `directory` may be replaced: it does not exist, or it is an empty folder, or a report
  /// folder (it holds the marker this writer leaves). Anything else, a web root that happens to hold an
  /// `index.html` included, is refused (`output`) and left untouched.
  public func checkDestination() throws {
    var status = stat()
    guard stat(directory.path, &status) == 0 else {
      // Absent, or under a file: `makeDirectories` names the component in the way.
      if errno == ENOENT || errno == ENOTDIR { return }
      throw ReportWriter.error(directory.path)
    }
    guard (status.st_mode & S_IFMT) == S_IFDIR else {
      throw ReportError(code: .output, message: "exists and is not a folder", context: directory.path)
    }
    let names = try ReportWriter.entries(directory.path)
    if names.isEmpty || names.contains(ReportWriter.markerName) { return }
    throw ReportError(
      code: .output, message: "holds files that are not a report; name a new or empty folder (it was left as it is)",
      context: directory.path)
  }

  /// Writes `files` (name -> contents) and returns the folder.
  @discardableResult
  public func write(_ files: [(name: String, contents: String)]) throws -> URL {
    try write(files, archive: nil).directory
  }

  /// What a write did: the folder, and, when an archive was asked for, why it failed (nil: archived).
  public struct Written: Sendable {
    public let directory: URL
    public let archiveError: ReportError?
  }

  /// Writes `files` as the current report and, with `archive`, also its copy (`archive.files`) into the
  /// archive under it; an existing archive is kept either way. A failing
  /// archive never stops the current report: its error is returned for the caller to report. The old
  /// archive is never lost: it moves into the new folder, and back if the write fails; should it fail
  /// to move, the old report folder holding it is kept beside the new one and the error names it.
  @discardableResult
  public func write(_ files: [(name: String, contents: String)], archive: ReportArchive?) throws -> Written {
    let parent = directory.deletingLastPathComponent().path
    let name = directory.lastPathComponent
    let pid = getpid()
    let partial = "\(parent)/.\(name).partial-\(pid)"
    let previous = "\(parent)/.\(name).previous-\(pid)"
    try ReportWriter.makeDirectories(parent)
    // One writer at a time: a second report waits, then carries the first one's archive. The lock is the
    // parent folder's own (flock(2) on a directory), so no lock file is left behind.
    let lock = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    try ReportWriter.check(lock, parent)
    defer { close(lock) }
    while flock(lock, LOCK_EX) != 0 {
      if errno != EINTR { throw ReportWriter.error(parent) }
    }
    try ReportWriter.recoverLeftovers(parent: parent, name: name)
    try checkDestination()
    ReportWriter.removeTree(partial)
    try ReportWriter.check(mkdir(partial, 0o755), partial)
    var archiveError: ReportError?
    var assembly = ReportArchive.Assembly()
    do {
      for file in files {
        do {
          try ReportWriter.writeFile("\(partial)/\(file.name)", file.contents)
        } catch var error as ReportError {
          // Name the file where the user expects it, not the temporary folder.
          error.context = directory.appendingPathComponent(file.name).path
          throw error
        }
      }
      try ReportWriter.writeFile(
        "\(partial)/\(ReportWriter.markerName)",
        "Written by pricing report; the next report replaces this folder whole.\n")
      // The archive moves into the new folder whether or not this report adds to it: turning
      // `report.archive` off, or one report run without it, keeps the past reports.
      assembly = ReportArchive.assemble(archive, partial: partial, live: directory.path)
      archiveError = assembly.error
      var moved = false
      if rename(directory.path, previous) == 0 {
        moved = true
      } else if errno != ENOENT {
        throw ReportWriter.error(directory.path)
      }
      if rename(partial, directory.path) != 0 {
        let failure = ReportWriter.error(directory.path)
        if moved { _ = rename(previous, directory.path) }
        throw failure
      }
      if moved {
        if !assembly.stranded {
          ReportWriter.removeTree(previous)
        } else {
          let kept = "\(parent)/.\(name).archive-kept-\(pid)"
          _ = rename(previous, kept)
          archiveError = ReportError(
            code: .output,
            message:
              "\(archiveError?.message ?? "the archive could not be moved"); the previous report and its archive were kept at \(kept)",
            context: archiveError?.context)
        }
      }
    } catch {
      // Put the old archive back where it was before dropping the new folder.
      if assembly.moved {
        _ = rename("\(partial)/\(ReportArchive.folderName)", "\(directory.path)/\(ReportArchive.folderName)")
      }
      ReportWriter.removeTree(partial)
      throw error
    }
    return Written(directory: directory, archiveError: archiveError)
  }

  /// Puts back a previous report that a killed process had moved aside (when no report is in place), and
  /// removes the partial and previous folders of processes that are gone. A dead process's partial folder
  /// may hold the archive it was carrying across (`ReportArchive`): that goes back under the report first.
  static func recoverLeftovers(parent: String, name: String) throws {
    guard let names = try? entries(parent) else { return }
    func dead(_ entry: String, _ prefix: String) -> Bool {
      guard entry.hasPrefix(prefix), let pid = Int32(entry.dropFirst(prefix.count)), pid != getpid() else {
        return false
      }
      return kill(pid, 0) != 0 && errno == ESRCH
    }
    var destinationExists = access("\(parent)/\(name)", F_OK) == 0
    for entry in names.sorted() where dead(entry, ".\(name).previous-") {
      if !destinationExists && rename("\(parent)/\(entry)", "\(parent)/\(name)") == 0 {
        destinationExists = true
        continue
      }
      removeTree("\(parent)/\(entry)")
    }
    let archive = "\(parent)/\(name)/\(ReportArchive.folderName)"
    for entry in names.sorted() where dead(entry, ".\(name).partial-") {
      let carried = "\(parent)/\(entry)/\(ReportArchive.folderName)"
      if destinationExists, access(carried, F_OK) == 0, access(archive, F_OK) != 0 {
        _ = rename(carried, archive)
      }
      removeTree("\(parent)/\(entry)")
    }
  }

  // MARK: - POSIX helpers

  static func writeFile(_ path: String, _ contents: String) throws {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    try check(descriptor, path)
    defer { close(descriptor) }
    var bytes = Array(contents.utf8)
    var offset = 0
    while offset < bytes.count {
      let written = bytes.withUnsafeMutableBytes { buffer in
        Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
      }
      if written < 0 {
        if errno == EINTR { continue }
        throw error(path)
      }
      offset += written
    }
    bytes.removeAll()
    try check(fsync(descriptor), path)
  }

  /// The names in a folder, without `.` and `..`.
  static func entries(_ path: String) throws -> [String] {
    guard let stream = opendir(path) else { throw error(path) }
    defer { closedir(stream) }
    var names: [String] = []
    while let entry = readdir(stream) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
      if name != "." && name != ".." { names.append(name) }
    }
    return names
  }

  /// `mkdir -p`.
  static func makeDirectories(_ path: String) throws {
    var current = ""
    for component in path.split(separator: "/", omittingEmptySubsequences: true) {
      current += "/" + component
      if mkdir(current, 0o755) != 0 && errno != EEXIST { throw error(current) }
    }
    var status = stat()
    if stat(path, &status) != 0 { throw error(path) }
    if (status.st_mode & S_IFMT) != S_IFDIR {
      throw ReportError(code: .output, message: "Not a directory", context: path)
    }
  }

  static func removeTree(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
  }

  static func check(_ result: Int32, _ path: String) throws {
    if result < 0 { throw error(path) }
  }

  static func error(_ path: String) -> ReportError {
    ReportError(code: .output, message: String(cString: strerror(errno)), context: path)
  }
}
