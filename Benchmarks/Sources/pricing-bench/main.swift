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

/// `pricing-bench csv-scan FILE`: reads a CSV file through the CSV reader and counts records and fields,
/// to separate libcsv's share of `pricing regress`'s parse time.
func csvScan(_ path: String) throws {
  var records = 0
  var fields = 0
  let start = Date()
  try CSVReader.forEachRecord(inFile: path) { record in
    records += 1
    fields += record.count
  }
  print("records=\(records) fields=\(fields) seconds=\(Date().timeIntervalSince(start))")
}

let arguments = CommandLine.arguments.dropFirst()
do {
  switch arguments.first {
  case "copy-out" where arguments.count == 2:
    try copyOut(arguments.last!)
  case "csv-scan" where arguments.count == 2:
    try csvScan(arguments.last!)
  default:
    FileHandle.standardError.write(Data("usage: pricing-bench copy-out SQL | csv-scan FILE\n".utf8))
    exit(64)
  }
} catch {
  FileHandle.standardError.write(Data("pricing-bench: \(error)\n".utf8))
  exit(1)
}
