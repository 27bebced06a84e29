import CLibPQ
import Foundation

extension Connection {
  // MARK: - Statements with bound parameters

  /// Runs one statement with its binds and returns its rows.
  ///
  /// The values travel separately from the SQL text (`PQexecParams`), in text format, typed by
  /// `PostgresEncodable.postgresTypeName`. The libpq result is cleared before returning, on every path.
  @discardableResult
  public func query(_ query: SQLQuery) throws -> QueryResult {
    let result = try send(query)
    defer { PQclear(result) }
    return collect(result, query: query.sql)
  }

  /// Runs one or more statements without binds (`PQexec`), for DDL and session settings.
  /// The SQL must not contain data: use `query(_:)` for anything with values.
  public func execute(_ sql: String) throws {
    guard let result = PQexec(handle, sql) else { throw error(from: nil, query: sql) }
    defer { PQclear(result) }
    let status = PQresultStatus(result)
    guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY else {
      throw error(from: result, query: sql)
    }
  }

  /// Sends a statement and returns its successful result (the caller clears it).
  private func send(_ query: SQLQuery) throws -> OpaquePointer {
    let binds = query.binds
    var typeOIDs: [Oid] = binds.map { _ in 0 }
    if binds.contains(where: { $0.typeName != nil }) {
      typeOIDs = try binds.map { try $0.typeName.map(oid(ofType:)) ?? 0 }
    }
    let copies: [UnsafeMutablePointer<CChar>?] = binds.map { $0.text.map { strdup($0) } ?? nil }
    defer { copies.forEach { free($0) } }
    let values: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } }
    let result = values.withUnsafeBufferPointer { valuePointers in
      typeOIDs.withUnsafeBufferPointer { typePointers in
        PQexecParams(
          handle, query.sql, Int32(binds.count), typePointers.baseAddress, valuePointers.baseAddress, nil, nil, 0)
      }
    }
    guard let result else { throw error(from: nil, query: query.sql) }
    let status = PQresultStatus(result)
    guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
      let failure = error(from: result, query: query.sql)
      PQclear(result)
      throw failure
    }
    return result
  }

  private func collect(_ result: OpaquePointer, query: String) -> QueryResult {
    let columnCount = Int(PQnfields(result))
    let rowCount = Int(PQntuples(result))
    let columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
    var rows: [Row] = []
    rows.reserveCapacity(rowCount)
    for rowIndex in 0..<rowCount {
      var values: [String?] = []
      values.reserveCapacity(columnCount)
      for column in 0..<columnCount {
        if PQgetisnull(result, Int32(rowIndex), Int32(column)) == 1 {
          values.append(nil)
        } else {
          values.append(String(cString: PQgetvalue(result, Int32(rowIndex), Int32(column))))
        }
      }
      rows.append(Row(values: values, columns: columns, rowIndex: rowIndex))
    }
    let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
    return QueryResult(columns: columns, rows: rows, affectedRows: affected, query: query)
  }

  /// The OIDs of the built-in types the encoders declare (stable across PostgreSQL versions).
  private func oid(ofType name: String) throws -> Oid {
    switch name {
    case "bool": return 16
    case "int8": return 20
    case "int4": return 23
    case "text": return 25
    case "float8": return 701
    case "date": return 1082
    case "timestamptz": return 1184
    case "numeric": return 1700
    default: throw PostgresError(code: .misuse, message: "no OID known for parameter type \(name)")
    }
  }
}
