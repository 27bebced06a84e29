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

/// `pricing-bench csv-scan FILE [PARTITIONS]`: reads a CSV file through the CSV reader (in PARTITIONS byte
/// ranges on as many threads, default 1) and counts records and fields, to separate libcsv's share of
/// `pricing regress`'s parse time.
func csvScan(_ path: String, partitions: Int) throws {
  let start = Date()
  let counts = try CSVReader.forEachRecordAfterHeader(
    inFile: path, partitions: partitions, makePartial: { _, _ in (records: 0, fields: 0) }
  ) { counts, record in
    counts.records += 1
    counts.fields += record.count
  }
  let records = counts.map(\.records).reduce(0, +)
  let fields = counts.map(\.fields).reduce(0, +)
  print("records=\(records) fields=\(fields) partitions=\(partitions) seconds=\(Date().timeIntervalSince(start))")
}

let arguments = CommandLine.arguments.dropFirst()
do {
  switch arguments.first {
  case "copy-out" where arguments.count == 2:
    try copyOut(arguments.last!)
  case "csv-scan" where arguments.count == 2 || arguments.count == 3:
    try csvScan(arguments[arguments.startIndex + 1], partitions: arguments.count == 3 ? Int(arguments.last!) ?? 1 : 1)
  default:
    FileHandle.standardError.write(Data("usage: pricing-bench copy-out SQL | csv-scan FILE [PARTITIONS]\n".utf8))
    exit(64)
  }
} catch {
  FileHandle.standardError.write(Data("pricing-bench: \(error)\n".utf8))
  exit(1)
}
