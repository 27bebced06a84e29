import CSV
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
  public static func load(path: String, specification: Specification) throws -> GLMData {
    var header: [String]?
    var roles: [Role] = []
    var numericValues: [[Double]] = []
    var categoricalCodes: [[Int32]] = []
    var categoricalLevels: [LevelTable] = []
    var response: [Double] = []
    var offset: [Double] = []
    var weights: [Double] = []

    try CSVReader.forEachRecord(inFile: path) { record in
      guard let names = header else {
        let names = (0..<record.count).map { record.string($0) ?? "" }
        roles = try assignRoles(names: names, specification: specification, path: path)
        numericValues = Array(repeating: [], count: roles.filter { $0 == .numeric }.count)
        categoricalCodes = Array(repeating: [], count: specification.categorical.count)
        categoricalLevels = (0..<specification.categorical.count).map { _ in LevelTable() }
        header = names
        return
      }
      var numericIndex = 0
      var categoricalIndex = 0
      for (index, role) in roles.enumerated() {
        switch role {
        case .ignored:
          continue
        case .categorical:
          let code = try record.withBytes(index) { bytes -> Int32 in
            guard bytes.count > 0 else { throw invalid("is empty", path, record.line, names[index]) }
            return categoricalLevels[categoricalIndex].code(for: bytes)
          }
          categoricalCodes[categoricalIndex].append(code)
          categoricalIndex += 1
        default:
          guard let value = record.finiteDouble(index) else {
            let text = record.string(index) ?? ""
            let problem = text.isEmpty ? "is empty" : "is not a finite number: \"\(text.prefix(40))\""
            throw invalid(problem, path, record.line, names[index])
          }
          switch role {
          case .response: response.append(value)
          case .offset: offset.append(value)
          case .weights: weights.append(value)
          default:
            numericValues[numericIndex].append(value)
            numericIndex += 1
          }
        }
      }
    }
    guard let names = header else {
      throw CSVError(code: .empty, message: "the file is empty: no header row", file: path)
    }
    guard !response.isEmpty else {
      throw CSVError(code: .empty, message: "the file has a header but no data rows", file: path, line: 2)
    }
    var design = SparseDesign(rowCount: response.count)
    var numericIndex = 0
    for (index, role) in roles.enumerated() {
      switch role {
      case .numeric:
        try design.addNumeric(name: names[index], values: numericValues[numericIndex])
        numericIndex += 1
      case .categorical:
        let position = specification.categorical.firstIndex(of: names[index])!
        let (levels, remap) = categoricalLevels[position].sortedLevels()
        try design.addCategorical(
          name: names[index], levels: levels, codes: categoricalCodes[position].map { remap[Int($0)] })
      default:
        continue
      }
    }
    return GLMData(
      design: design, response: response, offset: specification.offset == nil ? nil : offset,
      weights: specification.weights == nil ? nil : weights)
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
    let required = [specification.response] + [specification.offset, specification.weights].compactMap { $0 }
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

  private static func invalid(_ problem: String, _ path: String, _ line: Int, _ column: String) -> CSVError {
    CSVError(code: .invalidValue, message: "value \(problem)", file: path, line: line, column: column)
  }
}

/// Level codes by first appearance, looked up by the field's bytes without allocating on a hit:
/// an open-addressing hash table (FNV-1a, linear probing) over the level byte strings.
struct LevelTable {
  private(set) var levels: [[UInt8]] = []
  private var slots = [Int32](repeating: -1, count: 64)
  private var hashes = [UInt64](repeating: 0, count: 64)

  mutating func code(for bytes: UnsafeRawBufferPointer) -> Int32 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes {
      hash ^= UInt64(byte)
      hash = hash &* 0x0000_0100_0000_01b3
    }
    let mask = slots.count - 1
    var slot = Int(truncatingIfNeeded: hash) & mask
    while true {
      let code = slots[slot]
      if code < 0 { break }
      if hashes[slot] == hash {
        let level = levels[Int(code)]
        if level.count == bytes.count
          && level.withUnsafeBytes({ bytes.count == 0 || memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 })
        {
          return code
        }
      }
      slot = (slot + 1) & mask
    }
    let code = Int32(levels.count)
    levels.append(Array(bytes))
    slots[slot] = code
    hashes[slot] = hash
    if levels.count * 2 > slots.count { grow() }
    return code
  }

  private mutating func grow() {
    let capacity = slots.count * 2
    var newSlots = [Int32](repeating: -1, count: capacity)
    var newHashes = [UInt64](repeating: 0, count: capacity)
    for (slot, code) in slots.enumerated() where code >= 0 {
      var target = Int(truncatingIfNeeded: hashes[slot]) & (capacity - 1)
      while newSlots[target] >= 0 { target = (target + 1) & (capacity - 1) }
      newSlots[target] = code
      newHashes[target] = hashes[slot]
    }
    slots = newSlots
    hashes = newHashes
  }

  /// Levels in byte-wise order, and the map from first-appearance code to sorted code.
  func sortedLevels() -> (levels: [String], remap: [Int32]) {
    let order = levels.indices.sorted { levels[$0].lexicographicallyPrecedes(levels[$1]) }
    var remap = [Int32](repeating: 0, count: levels.count)
    for (sortedIndex, original) in order.enumerated() { remap[original] = Int32(sortedIndex) }
    return (order.map { String(decoding: levels[$0], as: UTF8.self) }, remap)
  }
}
