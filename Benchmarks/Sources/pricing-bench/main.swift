import CSV
import Foundation
import Postgres

/// `pricing-bench copy-out SQL`: streams `COPY (SQL) TO STDOUT (FORMAT csv)` through the Postgres
/// wrapper and the CSV reader, touching every field, and prints rows and bytes. The benchmark scripts
/// time it against psql's `\copy ... to '/dev/null'` of the same query.
func copyOut(_ sql: String) throws {
  let connection = try Connection()
  let reader = try CSVReader(options: .init(nullForUnquotedEmpty: true))
  var records = 0
  var fieldBytes = 0
  try connection.copyOut(SQLQuery(unsafeSQL: "COPY (\(sql)) TO STDOUT WITH (FORMAT csv)")) { chunk in
    try reader.feed(chunk) { record in
      records += 1
      for index in 0..<record.count { fieldBytes += record.withBytes(index) { $0.count } }
    }
  }
  try reader.finish { _ in records += 1 }
  print("records=\(records) field_bytes=\(fieldBytes)")
}

/// A sink that only counts fields, behind its own libcsv callback: what reading costs before any
/// conversion.
final class CountingSink: CSVDirectFieldSink {
  static let fieldCallback: CSVFieldCallback = { data, length, context in
    CSVFieldDelivery.deliver(data, length, context, to: CountingSink.self)
  }
  var fields = 0
  func take(_ bytes: UnsafeRawBufferPointer, column: Int) throws(CSVError) { fields += 1 }
}

/// `pricing-bench csv-scan FILE [PARTITIONS]`: hands every field after the header to a sink that only
/// counts it, in PARTITIONS byte ranges on as many threads (default 2; `CSVReader.readFieldsAfterHeader`,
/// as `pricing regress` reads): the floor under `pricing regress`'s parse time, libcsv's scan and the
/// field path without any conversion.
func csvScan(_ path: String, partitions: Int) throws {
  let start = Date()
  var width = 1
  let sinks = try CSVReader.readFieldsAfterHeader(inFile: path, partitions: partitions) { header, _ in
    width = max(1, header.count)
    return CountingSink()
  }
  let seconds = Date().timeIntervalSince(start)
  let fields = sinks.reduce(0) { $0 + $1.fields }
  print("records=\(fields / width) fields=\(fields) partitions=\(partitions) seconds=\(seconds)")
}

let arguments = CommandLine.arguments.dropFirst()
do {
  switch arguments.first {
  case "copy-out" where arguments.count == 2:
    try copyOut(arguments.last!)
  case "csv-scan" where arguments.count == 2 || arguments.count == 3:
    try csvScan(arguments[arguments.startIndex + 1], partitions: arguments.count == 3 ? Int(arguments.last!) ?? 2 : 2)
  default:
    FileHandle.standardError.write(Data("usage: pricing-bench copy-out SQL | csv-scan FILE [PARTITIONS]\n".utf8))
    exit(64)
  }
} catch {
  FileHandle.standardError.write(Data("pricing-bench: \(error)\n".utf8))
  exit(1)
}
