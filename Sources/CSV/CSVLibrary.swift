import CLibCSV
import Foundation

/// What `CSVReader` and `CSVFieldReader` share about driving libcsv.
enum CSVLibrary {
  typealias FieldCallback = CSVFieldCallback
  typealias RecordCallback = @convention(c) (Int32, UnsafeMutableRawPointer?) -> Void

  /// Runs `csv_parse` over a chunk and returns the bytes it consumed (fewer than the chunk on an error).
  ///
  /// libcsv trims spaces and tabs around unquoted fields unless a space test says otherwise, and calls that
  /// test once per byte. A chunk without a space or a tab cannot tell the default (trim) from ours (keep), so
  /// it is parsed with libcsv's inline test; the parser's state carries no count of spaces across chunks
  /// while our test is in force, so switching per chunk changes nothing but the speed.
  static func parse(
    _ parser: inout csv_parser, _ chunk: UnsafeRawBufferPointer, field: FieldCallback, record: RecordCallback,
    context: UnsafeMutableRawPointer
  ) -> Int {
    let base = chunk.baseAddress!
    let hasBlanks = memchr(base, 32, chunk.count) != nil || memchr(base, 9, chunk.count) != nil
    csv_set_space_func(&parser, hasBlanks ? csvNeverSpace : nil)
    return csv_parse(&parser, base, chunk.count, field, record, context)
  }

  /// The error for a chunk libcsv stopped in (strict mode: a stray quote).
  static func malformed(_ parser: inout csv_parser, file: String?, line: Int) -> CSVError {
    let reason = String(cString: csv_strerror(csv_error(&parser)))
    return CSVError(
      code: .malformed, message: "malformed CSV (\(reason)): a quote inside an unquoted field or after a closing quote",
      file: file, line: line)
  }
}

/// libcsv trims spaces and tabs around unquoted fields by default; COPY and RFC 4180 keep them.
func csvNeverSpace(_ character: UInt8) -> Int32 { 0 }
