/// Writes COPY FROM STDIN data for `Connection.copyIn`, buffering into 64 KiB chunks.
///
/// The writer formats nothing by itself: callers append bytes in the COPY format they declared
/// (text or CSV). `CopyTextEncoder` helps with the text format's escaping.
public final class CopyInWriter {
  private unowned let connection: Connection
  private var buffer: [UInt8] = []
  private let flushThreshold = 1 << 16
  /// Bytes written so far.
  public private(set) var bytesWritten = 0

  init(connection: Connection) {
    self.connection = connection
    buffer.reserveCapacity(flushThreshold + 4096)
  }

  /// Appends raw bytes.
  public func write(_ bytes: some Sequence<UInt8>) throws {
    buffer.append(contentsOf: bytes)
    if buffer.count >= flushThreshold { try flush() }
  }

  /// Appends raw bytes from a buffer (the pass-through path: COPY out of one server into another).
  public func write(_ bytes: UnsafeRawBufferPointer) throws {
    guard bytes.count > 0 else { return }
    if buffer.count + bytes.count > flushThreshold { try flush() }
    if bytes.count >= flushThreshold {
      bytesWritten += bytes.count
      try connection.putCopyData(bytes, query: "COPY FROM STDIN")
      return
    }
    buffer.append(contentsOf: bytes)
  }

  /// Appends a string's UTF-8 bytes.
  public func write(_ text: String) throws {
    var text = text
    text.withUTF8 { buffer.append(contentsOf: $0) }
    if buffer.count >= flushThreshold { try flush() }
  }

  /// Sends what is buffered.
  public func flush() throws {
    guard !buffer.isEmpty else { return }
    bytesWritten += buffer.count
    try buffer.withUnsafeBytes { try connection.putCopyData($0, query: "COPY FROM STDIN") }
    buffer.removeAll(keepingCapacity: true)
  }
}
