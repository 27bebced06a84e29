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
}
