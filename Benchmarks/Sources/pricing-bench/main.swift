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

let arguments = CommandLine.arguments.dropFirst()
do {
  switch arguments.first {
  case "copy-out" where arguments.count == 2:
    try copyOut(arguments.last!)
  default:
    FileHandle.standardError.write(Data("usage: pricing-bench copy-out SQL\n".utf8))
    exit(64)
  }
} catch {
  FileHandle.standardError.write(Data("pricing-bench: \(error)\n".utf8))
  exit(1)
}
