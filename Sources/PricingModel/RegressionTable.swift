import CSV
import Dispatch
import Foundation

/// Reads a CSV file into `GLMData` for `pricing regress` (CONTRACTS.md section 3).
///
/// The header names the columns. The response, offset and weights columns are numeric; columns named in
/// `categorical` are dummy-coded against their first level in byte-wise sorted order and named
/// `COL[LEVEL]`; every other column is a numeric predictor named by its header, in header order after
/// `(Intercept)`. A value that is empty, not a number, NaN or infinite is an error naming the file, the
/// line and the column. One pass, streaming: memory holds the parsed columns only.
public struct RegressionTable {
  public struct Specification: Sendable {
    public var response: String
    public var offset: String?
    public var weights: String?
    public var categorical: [String]

    public init(response: String, offset: String? = nil, weights: String? = nil, categorical: [String] = []) {
      self.response = response
      self.offset = offset
      self.weights = weights
      self.categorical = categorical
    }
  }

  /// Loads the file; throws `CSVError` (file, line, column) for anything malformed.
  ///
  /// The file is read on `threads` threads (byte ranges of the file, `CSVReader.readFieldsAfterHeader`), and
  /// the columns are put together on as many; the result does not depend on their number: levels are coded
  /// in sorted order after the ranges are joined.
  public static func load(
    path: String, specification: Specification, threads: Int = 2, minimumRangeBytes: Int = 2 << 20
  ) throws -> GLMData {
    var names: [String] = []
    var roles: [Role] = []
    let parts = try CSVReader.readFieldsAfterHeader(
      inFile: path, partitions: threads, minimumRangeBytes: minimumRangeBytes
    ) { header, estimatedRows in
      names = header.map { $0 ?? "" }
      roles = try assignRoles(names: names, specification: specification, path: path)
      return RegressionColumns(names: names, roles: roles, path: path, reservingRows: estimatedRows)
    }
    guard !parts.isEmpty else {
      throw CSVError(code: .empty, message: "the file is empty: no header row", file: path)
    }
    let rowCount = parts.reduce(0) { $0 + $1.rowCount }
    guard rowCount > 0 else {
      throw CSVError(code: .empty, message: "the file has a header but no data rows", file: path, line: 2)
    }
    let columns = joinColumns(parts, roles: roles, rowCount: rowCount, threads: threads)
    var design = SparseDesign(rowCount: rowCount)
    var response: [Double] = []
    var offset: [Double]?
    var weights: [Double]?
    for (index, role) in roles.enumerated() {
      switch (role, columns[index]) {
      case (.response, .numbers(let values)): response = values
      case (.offset, .numbers(let values)): offset = values
      case (.weights, .numbers(let values)): weights = values
      case (.numeric, .numbers(let values)): try design.addNumeric(name: names[index], values: values)
      case (.categorical, .codes(let codes, let levels)):
        try design.addCategorical(name: names[index], levels: levels, codes: codes)
      default: continue
      }
    }
    return GLMData(design: design, response: response, offset: offset, weights: weights)
  }

  // MARK: - Joining the ranges

  /// One column of the whole file.
  enum JoinedColumn {
    case none
    case numbers([Double])
    /// Codes into `levels`, which are in byte-wise sorted order.
    case codes([Int32], levels: [String])
  }

  /// Each header column of the whole file from the ranges' columns, in file order, one column per task on
  /// `threads` threads (every column is independent). Categorical codes are recoded from each range's
  /// first-appearance levels to the sorted levels of the whole file.
  static func joinColumns(_ parts: [RegressionColumns], roles: [Role], rowCount: Int, threads: Int) -> [JoinedColumn] {
    var joined = [JoinedColumn](repeating: .none, count: roles.count)
    let work: (Int) -> JoinedColumn = { index in
      switch roles[index] {
      case .ignored:
        return .none
      case .categorical:
        var levels = parts[0].levelTable(column: index)
        let recodes = parts.map { part in
          part.levelTable(column: index).levels.map { level in level.withUnsafeBytes { levels.code(for: $0) } }
        }
        let (sorted, remap) = levels.sortedLevels()
        let finalCodes = recodes.map { recode in recode.map { remap[Int($0)] } }
        let codes = ColumnBuffer<Int32>.joined(rowCount, parts.indices.map { parts[$0].codes(column: index) }) {
          part, code in finalCodes[part][Int(code)]
        }
        return .codes(codes, levels: sorted)
      default:
        return .numbers(ColumnBuffer<Double>.joined(rowCount, parts.map { $0.numbers(column: index) }))
      }
    }
    if threads > 1 && roles.count > 1 {
      joined.withUnsafeMutableBufferPointer { slots in
        nonisolated(unsafe) let slots = slots
        nonisolated(unsafe) let work = work
        DispatchQueue.concurrentPerform(iterations: roles.count) { slots[$0] = work($0) }
      }
    } else {
      for index in roles.indices { joined[index] = work(index) }
    }
    return joined
  }

  // MARK: - Roles of the columns

  enum Role: Equatable { case response, offset, weights, categorical, numeric, ignored }

  static func assignRoles(names: [String], specification: Specification, path: String) throws -> [Role] {
    var seen: Set<String> = []
    for name in names {
      guard seen.insert(name).inserted else {
        throw CSVError(code: .malformed, message: "the header names column \"\(name)\" twice", file: path, line: 1)
      }
    }
    let required =
      [specification.response] + [specification.offset, specification.weights].compactMap { $0 }
      + specification.categorical
    for name in required where !seen.contains(name) {
      throw CSVError(
        code: .missingColumn, message: "no column \"\(name)\" in the header", file: path, line: 1, column: name)
    }
    return names.map { name in
      if name == specification.response { return .response }
      if name == specification.offset { return .offset }
      if name == specification.weights { return .weights }
      if specification.categorical.contains(name) { return .categorical }
      return .numeric
    }
  }

}
