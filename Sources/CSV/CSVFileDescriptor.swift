import Foundation

/// An open file read by offset (`pread`), shared by the threads of a partitioned read: positioned reads
/// need no shared file position. Closes the descriptor when released; errors are `CSVError.io` naming
/// the file and the system's reason.
final class CSVFileDescriptor {
  let path: String
  private let descriptor: Int32

  init(path: String) throws {
    self.path = path
    descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw Self.failure("cannot open", path: path) }
  }

  deinit { close(descriptor) }

  /// The file's size in bytes.
  func size() throws -> Int {
    var status = stat()
    guard fstat(descriptor, &status) == 0 else { throw Self.failure("cannot stat", path: path) }
    return Int(status.st_size)
  }

  /// Whether the open file is a regular file (not a pipe, socket or device).
  func isRegular() throws -> Bool {
    var status = stat()
    guard fstat(descriptor, &status) == 0 else { throw Self.failure("cannot stat", path: path) }
    return (status.st_mode & S_IFMT) == S_IFREG
  }

  /// Fills as much of `buffer` as the file holds from `offset` (fewer bytes only at the end of the file).
  func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws -> Int {
    var filled = 0
    while filled < buffer.count {
      let count = pread(descriptor, buffer.baseAddress! + filled, buffer.count - filled, off_t(offset + filled))
      if count < 0 {
        if errno == EINTR { continue }
        throw Self.failure("read failed", path: path)
      }
      if count == 0 { break }
      filled += count
    }
    return filled
  }

  /// The offset just after the first line feed at or after `offset`, or the file's size when there is none.
  func offsetAfterLineFeed(from offset: Int) throws -> Int {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
    defer { buffer.deallocate() }
    var position = offset
    while true {
      let count = try read(into: buffer, at: position)
      if count == 0 { return position }
      if let found = memchr(buffer.baseAddress!, 10, count) {
        return position + (found - buffer.baseAddress!) + 1
      }
      position += count
    }
  }

  /// The line feeds in `range`, and whether it holds a quote or a carriage return (either can make a line
  /// feed something other than the end of a record, or end a record without one).
  func scanLineFeeds(in range: Range<Int>) throws -> (lineFeeds: Int, quoteOrReturn: Bool) {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    defer { buffer.deallocate() }
    var lineFeeds = 0
    var special = false
    var offset = range.lowerBound
    while offset < range.upperBound {
      let wanted = min(buffer.count, range.upperBound - offset)
      let count = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<wanted]), at: offset)
      if count == 0 { break }
      // A 32-bit counter over an index loop, which the compiler vectorises (over the buffer's bytes with
      // an `Int` counter and a second comparison in the loop it did not: 37 ms against 12 ms for 42 MB,
      // the read included), and glibc's vectorised memchr for the two special bytes.
      let bytes = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
      var feeds: UInt32 = 0
      var index = 0
      while index < count {
        feeds &+= bytes[index] == 10 ? 1 : 0
        index &+= 1
      }
      lineFeeds += Int(feeds)
      special = special || memchr(bytes, 34, count) != nil || memchr(bytes, 13, count) != nil
      offset += count
    }
    return (lineFeeds, special)
  }

  /// The mean length of the lines in the file's first 64 KiB (at least 1).
  func meanLineLength() throws -> Int {
    let count = min(1 << 16, try size())
    return max(1, count / max(1, try scanLineFeeds(in: 0..<count).lineFeeds))
  }

  private static func failure(_ what: String, path: String) -> CSVError {
    CSVError(code: .io, message: "\(what): \(String(cString: strerror(errno)))", file: path)
  }
}
