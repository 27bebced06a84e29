import Foundation

/// A file a command writes (`fit --cells-out`, `seed --truth` and the like): checked before any work so
/// that a bad path fails fast and loses nothing.
public enum OutputFile {
  /// Checks, before any work, that `path` can be written: its folder exists and is writable, and the path
  /// is absent or a regular file (a device, a folder or a symbolic link is refused: a file replaced by
  /// rename would replace them). `FitError.cannotWrite` with the reason otherwise.
  public static func checkDestination(_ path: String) throws {
    func refuse(_ reason: String) -> FitError { FitError(code: .cannotWrite, message: "cannot write \(path): \(reason)") }
    guard !path.isEmpty else { throw refuse("the path is empty") }
    var status = stat()
    if lstat(path, &status) == 0 && (status.st_mode & S_IFMT) != S_IFREG {
      throw refuse("it exists and is not a regular file")
    }
    let folder = (path as NSString).deletingLastPathComponent
    let directory = folder.isEmpty ? "." : folder
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw refuse("no folder \(directory)")
    }
    guard access(directory, W_OK) == 0 else { throw refuse("the folder \(directory) is not writable") }
  }

  /// Writes `path` whole or not at all: `body` writes a temporary file beside it, renamed over it at the end
  /// (a failure or an interruption leaves the previous file as it was). `FitError.cannotWrite` otherwise.
  public static func replace(_ path: String, _ body: (FileHandle) throws -> Void) throws {
    try checkDestination(path)
    let folder = (path as NSString).deletingLastPathComponent
    let temporary = (folder.isEmpty ? "" : folder + "/") + ".\((path as NSString).lastPathComponent).\(getpid()).tmp"
    guard FileManager.default.createFile(atPath: temporary, contents: nil),
      let handle = FileHandle(forWritingAtPath: temporary)
    else { throw FitError(code: .cannotWrite, message: "cannot write \(path): cannot create \(temporary)") }
    do {
      try body(handle)
      try handle.synchronize()
      try handle.close()
      guard rename(temporary, path) == 0 else {
        throw FitError(code: .cannotWrite, message: "cannot write \(path): \(String(cString: strerror(errno)))")
      }
    } catch {
      try? handle.close()
      unlink(temporary)
      if let error = error as? FitError { throw error }
      throw FitError(code: .cannotWrite, message: "cannot write \(path): \(error.localizedDescription)")
    }
  }
}
