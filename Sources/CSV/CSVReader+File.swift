import Foundation

extension CSVReader {
  /// The size in bytes of what opening `path` reads: a symbolic link's target, from `fstat` of the opened
  /// file. A path that is not a regular file (a pipe such as `/dev/stdin`, a device) cannot be read by
  /// offset: `.io` saying so (copy it to a file first).
  public static func fileSize(atPath path: String) throws -> Int {
    let file = try CSVFileDescriptor(path: path)
    guard try file.isRegular() else {
      throw CSVError(code: .io, message: "not a regular file (a pipe or a device): copy it to a file first", file: path)
    }
    return try file.size()
  }

  /// Whether opening `path` reads a regular file (following symbolic links).
  public static func isRegularFile(atPath path: String) -> Bool {
    (try? CSVFileDescriptor(path: path).isRegular()) ?? false
  }

  /// Reads a whole file in 1 MiB chunks and calls `onRecord` for each record (the header included).
  ///
  /// Errors name the file; a file that cannot be opened is `.io`.
  public static func forEachRecord(
    inFile path: String, options: Options = Options(), _ onRecord: (CSVRecord) throws -> Void
  ) throws {
    var options = options
    if options.sourceName == nil { options.sourceName = path }
    guard let file = fopen(path, "rb") else {
      throw CSVError(code: .io, message: "cannot open: \(String(cString: strerror(errno)))", file: path)
    }
    defer { fclose(file) }
    let reader = try CSVReader(options: options)
    let chunkSize = 1 << 20
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
    defer { buffer.deallocate() }
    while true {
      let count = fread(buffer.baseAddress, 1, chunkSize, file)
      if count > 0 { try reader.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<count]), onRecord) }
      if count < chunkSize {
        if ferror(file) != 0 {
          throw CSVError(code: .io, message: "read failed: \(String(cString: strerror(errno)))", file: path)
        }
        break
      }
    }
    try reader.finish(onRecord)
  }
}
