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
