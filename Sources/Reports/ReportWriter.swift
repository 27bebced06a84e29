import Foundation

/// Writes a report folder all or nothing: every file goes into a fresh sibling folder
/// (`.DIR.partial-<pid>`), which then replaces `DIR` by rename(2), so a reader or an interrupted run never
/// sees a half-written report. The previous report stays in place until the new one is complete.
///
/// Plain POSIX calls, so that errors carry the operating system's reason (`No space left on device`,
/// `Permission denied`, `Not a directory`) and the path.
public struct ReportWriter {
  public let directory: URL

  public init(directory: URL) {
    self.directory = directory.standardizedFileURL
  }

  /// Writes `files` (name -> contents) and returns the folder.
  @discardableResult
  public func write(_ files: [(name: String, contents: String)]) throws -> URL {
    let parent = directory.deletingLastPathComponent().path
    let name = directory.lastPathComponent
    let pid = getpid()
    let partial = "\(parent)/.\(name).partial-\(pid)"
    let previous = "\(parent)/.\(name).previous-\(pid)"
    try ReportWriter.makeDirectories(parent)
    ReportWriter.removeTree(partial)
    try ReportWriter.check(mkdir(partial, 0o755), partial)
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
      if moved { ReportWriter.removeTree(previous) }
    } catch {
      ReportWriter.removeTree(partial)
      throw error
    }
    return directory
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
