/// Receives the fields of a CSV input one at a time, as libcsv completes them (`CSVFieldReader`): for callers
/// that turn each field into a value at once, without the record buffers of `CSVReader`.
///
/// A sink is a class because the parser's C callbacks reach it through a pointer, and one sink serves one
/// reader (one thread) at a time.
public protocol CSVFieldSink: AnyObject {
  /// Takes field `column` (0-based) of the current record. `bytes` is valid only during the call and is
  /// followed by a NUL byte (so `strtod` may read it). Throws a `CSVError` for a problem with this field
  /// (the reader fills in its `line`, and `file` when missing). After a problem the record's other fields
  /// are not passed, and the read ends with the problem unless the record has the wrong number of fields,
  /// which is reported instead, as `CSVReader` does.
  func take(_ bytes: UnsafeRawBufferPointer, column: Int) throws(CSVError)
}

/// libcsv's field callback: the field's bytes, their count, and the reader's context pointer.
public typealias CSVFieldCallback = @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Void

/// A sink that gives libcsv a field callback of its own, compiled for its type: the field path then makes
/// one indirect call per field (libcsv's) instead of reaching `take` through the protocol's witness table.
///
/// Swift cannot form a C function pointer in generic code, so the conforming type writes the callback
/// out, always as
///
///     static let fieldCallback: CSVFieldCallback = { data, length, context in
///       CSVFieldDelivery.deliver(data, length, context, to: Self.self)
///     }
///
/// or, for a hot path, with the call to `take` spelled out so that it is inlined:
///
///     static let fieldCallback: CSVFieldCallback = { data, length, context in
///       CSVFieldDelivery.deliver(data, length, context, to: Self.self) { sink, bytes, column throws(CSVError) in
///         try sink.take(bytes, column: column)
///       }
///     }
public protocol CSVDirectFieldSink: CSVFieldSink {
  static var fieldCallback: CSVFieldCallback { get }
}

/// The body of a `CSVDirectFieldSink`'s field callback.
public enum CSVFieldDelivery {
  /// Hands the field to the reader's sink, which must be a `Sink` (`CSVFieldReader` installs a sink's own
  /// callback only for that sink).
  @inlinable @inline(__always)
  public static func deliver<Sink: CSVFieldSink>(
    _ data: UnsafeMutableRawPointer?, _ length: Int, _ context: UnsafeMutableRawPointer?, to type: Sink.Type
  ) {
    deliver(data, length, context, to: type) { sink, bytes, column throws(CSVError) in
      try sink.take(bytes, column: column)
    }
  }

  /// `deliver(_:_:_:to:)` calling `take` on the reader's sink, which must be a `Sink`. For a final class
  /// whose `take` should be compiled into the callback: pass `{ sink, bytes, column throws(CSVError) in try
  /// sink.take(bytes, column: column) }`, a direct call the compiler inlines, where the protocol path calls
  /// the witness of `take` (measured on `pricing regress`: 3% of a single-threaded parse).
  @inlinable @inline(__always)
  public static func deliver<Sink: CSVFieldSink>(
    _ data: UnsafeMutableRawPointer?, _ length: Int, _ context: UnsafeMutableRawPointer?, to type: Sink.Type,
    _ take: (Sink, UnsafeRawBufferPointer, Int) throws(CSVError) -> Void
  ) {
    let state = context!.assumingMemoryBound(to: CSVFieldState.self)
    Unmanaged<Sink>.fromOpaque(state.pointee.sinkAddress)._withUnsafeGuaranteedRef { sink in
      state.pointee.takeField(data, length) { bytes, column throws(CSVError) in try take(sink, bytes, column) }
    }
  }
}
