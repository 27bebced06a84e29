import CSV
import Dispatch
import Foundation

/// Reads a CSV file into `GLMData` for `pricing regress` (docs/contracts.md section 3).
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
  ///
  /// The ranges write their values straight into the final columns, which are allocated for the most
  /// records the file can hold (every record takes at least one byte per column): address space, of which
  /// only what the rows fill becomes memory. The range at the file's start writes from row 0, a later
  /// one from the records before it as counted by line feeds (`CSVReader.readFieldsAfterHeader`), and is
  /// moved down if empty lines made them fewer; a range whose start is unknown (quotes or carriage returns
  /// before it) reads into buffers of its own, copied in after the ranges before it. A file whose bound
  /// would reserve more than half the machine's memory is read into range buffers and copied whole.
  public static func load(
    path: String, specification: Specification, threads: Int = 2, minimumRangeBytes: Int = 2 << 20
  ) throws -> GLMData {
    try load(
      path: path, specification: specification, threads: threads, minimumRangeBytes: minimumRangeBytes,
      inPlaceLimit: Int(ProcessInfo.processInfo.physicalMemory / 2))
  }

  /// `load`, with the most address space (bytes) the final columns may reserve for reading in place.
  static func load(
    path: String, specification: Specification, threads: Int, minimumRangeBytes: Int, inPlaceLimit: Int
  ) throws -> GLMData {
    guard let header = try CSVReader.firstRecord(inFile: path) else {
      throw CSVError(code: .empty, message: "the file is empty: no header row", file: path)
    }
    let names = header.map { $0 ?? "" }
    let roles = try assignRoles(names: names, specification: specification, path: path)
    let layout = ColumnLayout(roles: roles)
    // The size of what opening the path reads (a symbolic link's target, not the link).
    let fileSize = try CSVReader.fileSize(atPath: path)
    let bound = fileSize / max(1, names.count) + 2
    let reserved = bound * (layout.numberColumns.count * 8 + layout.codeColumns.count * 4)
    // Where each range's sink writes in the final columns (nil: in buffers of its own), in file order. A
    // sink for the file's start begins a new list: the partitioned read may be thrown away and the file
    // read again by one sink.
    var placements: [Int?] = []
    let read = { (storage: RegressionColumns.Storage?) in
      try CSVReader.readFieldsAfterHeader(
        inFile: path, partitions: threads, minimumRangeBytes: minimumRangeBytes, byteCount: fileSize
      ) { _, position in
        if position.startsFile { placements = [] }
        // In place when the range's rows fit from its first record on (a file of many empty lines has
        // more line feeds than the bound has rows).
        var placement: Int?
        if let storage, let first = position.firstRecord, first + position.mostRecords <= storage.capacity {
          placement = first
        }
        placements.append(placement)
        return RegressionColumns(
          names: names, roles: roles, path: path, reservingRows: position.estimatedRecords,
          writingInto: placement.flatMap { storage?.advanced(by: $0) })
      }
    }

    var rowCount = 0
    var levels: [[String]] = []
    let columns: (numbers: [[Double]], codes: [[Int32]])
    if reserved <= inPlaceLimit {
      columns = try withFinalColumns(layout, capacity: bound) { storage in
        let parts = try read(storage)
        rowCount = parts.reduce(0) { $0 + $1.rowCount }
        levels = join(parts, placedAt: placements, into: storage, layout: layout, threads: threads)
        return rowCount
      }
    } else {
      let parts = try read(nil)
      rowCount = parts.reduce(0) { $0 + $1.rowCount }
      columns = try withFinalColumns(layout, capacity: rowCount) { storage in
        levels = join(parts, placedAt: placements, into: storage, layout: layout, threads: threads)
        return rowCount
      }
    }
    guard rowCount > 0 else {
      throw CSVError(code: .empty, message: "the file has a header but no data rows", file: path, line: 2)
    }

    var coefficients = 1
    for (index, role) in roles.enumerated() {
      switch role {
      case .numeric: coefficients += 1
      case .categorical:
        let count = levels[layout.slots[index]].count
        coefficients += max(0, count - 1)
        guard coefficients <= maximumCoefficients else {
          throw CSVError(
            code: .invalidValue,
            message:
              "categorical column \(shown(names[index])) has \(count) levels: the fit takes at most \(maximumCoefficients) coefficients in all (a dense normal-equations matrix of their square)",
            file: path, column: String(names[index].prefix(64)))
        }
      default: continue
      }
    }
    var design = SparseDesign(rowCount: rowCount)
    var response: [Double] = []
    var offset: [Double]?
    var weights: [Double]?
    for (index, role) in roles.enumerated() {
      let slot = layout.slots[index]
      switch role {
      case .response: response = columns.numbers[slot]
      case .offset: offset = columns.numbers[slot]
      case .weights: weights = columns.numbers[slot]
      case .numeric: try design.addNumeric(name: names[index], values: columns.numbers[slot])
      case .categorical:
        try design.addCategorical(name: names[index], levels: levels[slot], codes: columns.codes[slot])
      case .ignored: continue
      }
    }
    return GLMData(design: design, response: response, offset: offset, weights: weights)
  }

  /// The most coefficients a fit takes (the intercept, one per numeric column, one per level after the
  /// first of each categorical): the normal equations are a dense matrix of their square (4,000: 128 MB and
  /// seconds per iteration), checked before anything of that size is allocated.
  public static let maximumCoefficients = 4_000

  /// A column name as messages show it: quoted, and cut after 64 characters (a header line can be a whole
  /// file long).
  public static func shown(_ name: String) -> String {
    name.count <= 64 ? "\"\(name)\"" : "\"\(name.prefix(64))...\" (\(name.utf8.count) bytes)"
  }

  /// The file line of a data row (0-based, the header not counted), found by reading the file again
  /// record by record: for errors only, so that they name what an editor shows.
  public static func line(ofDataRow row: Int, path: String) -> Int? {
    var index = -1
    var found: Int?
    struct Found: Error {}
    do {
      try CSVReader.forEachRecord(inFile: path) { record in
        if index == row {
          found = record.line
          throw Found()
        }
        index += 1
      }
    } catch {}
    return found
  }

  // MARK: - Reading and joining the ranges

  /// Which header columns hold numbers and which hold level codes, in header order (a column's slot is
  /// its position in its list).
  struct ColumnLayout {
    var numberColumns: [Int] = []
    var codeColumns: [Int] = []
    /// Each header column's slot in its list (-1 for an ignored column).
    var slots: [Int] = []

    init(roles: [Role]) {
      for (index, role) in roles.enumerated() {
        switch role {
        case .ignored:
          slots.append(-1)
        case .categorical:
          slots.append(codeColumns.count)
          codeColumns.append(index)
        case .response, .offset, .weights, .numeric:
          slots.append(numberColumns.count)
          numberColumns.append(index)
        }
      }
    }
  }

  /// Puts every column of the whole file into `storage`, in file order, one column per task on `threads`
  /// threads (every column is independent), and returns each categorical column's levels in byte-wise
  /// sorted order. A part with a placement already wrote its values into `storage` from that row, which is
  /// at or after its row in file order (the sum of the rows before it): it is moved down when it is after.
  /// The other parts are copied from their buffers. Categorical codes are recoded from each part's
  /// first-appearance levels to the sorted levels of the whole file.
  static func join(
    _ parts: [RegressionColumns], placedAt placements: [Int?], into storage: RegressionColumns.Storage,
    layout: ColumnLayout, threads: Int
  ) -> [[String]] {
    precondition(placements.count == parts.count, "one placement per part")
    var starts: [Int] = []
    var position = 0
    for part in parts {
      starts.append(position)
      position += part.rowCount
    }
    /// Moves part `index`'s values of one column down to its rows when it was placed in `destination`
    /// (parts are moved in file order, so a part never lands on a later part's values, which start at or
    /// after where it ended); false for a part read into buffers of its own.
    func movePlaced<Element>(_ index: Int, in destination: UnsafeMutablePointer<Element>) -> Bool {
      guard let placed = placements[index] else { return false }
      if placed != starts[index] && parts[index].rowCount > 0 {
        memmove(destination + starts[index], destination + placed, parts[index].rowCount * MemoryLayout<Element>.stride)
      }
      return true
    }
    let numberCount = layout.numberColumns.count
    var levels = [[String]](repeating: [], count: layout.codeColumns.count)
    let work: (Int) -> [String]? = { task in
      if task < numberCount {
        let destination = storage.numbers[task]
        for (index, part) in parts.enumerated() where !movePlaced(index, in: destination) {
          part.numbers(slot: task).copy(into: destination + starts[index])
        }
        return nil
      }
      let slot = task - numberCount
      var table = parts[0].levelTable(slot: slot)
      let recodes = parts.map { part in
        part.levelTable(slot: slot).levels.map { level in level.withUnsafeBytes { table.code(for: $0) } }
      }
      let (sorted, remap) = table.sortedLevels()
      let destination = storage.codes[slot]
      for (index, part) in parts.enumerated() {
        // The part's codes by first appearance in its range -> the whole file's sorted codes (nil: the same).
        let final = recodes[index].map { remap[Int($0)] }
        let recode = final == Array(0..<Int32(final.count)) ? nil : final
        let rows = destination + starts[index]
        if movePlaced(index, in: destination) {
          if let recode { for row in 0..<part.rowCount { rows[row] = recode[Int(rows[row])] } }
        } else if let recode {
          part.codes(slot: slot).copy(into: rows) { recode[Int($0)] }
        } else {
          part.codes(slot: slot).copy(into: rows)
        }
      }
      return sorted
    }
    let tasks = numberCount + layout.codeColumns.count
    if threads > 1 && tasks > 1 {
      var results = [[String]?](repeating: nil, count: tasks)
      results.withUnsafeMutableBufferPointer { slots in
        nonisolated(unsafe) let slots = slots
        nonisolated(unsafe) let work = work
        DispatchQueue.concurrentPerform(iterations: tasks) { slots[$0] = work($0) }
      }
      for slot in levels.indices { levels[slot] = results[numberCount + slot] ?? [] }
    } else {
      for task in 0..<tasks {
        if let sorted = work(task) { levels[task - numberCount] = sorted }
      }
    }
    return levels
  }

  /// The number and code columns of `layout`, each with room for `capacity` values, filled by `body`
  /// through their storage; it returns the rows it wrote into every one of them.
  static func withFinalColumns(
    _ layout: ColumnLayout, capacity: Int, _ body: (RegressionColumns.Storage) throws -> Int
  ) throws -> (numbers: [[Double]], codes: [[Int32]]) {
    var codes: [[Int32]] = []
    var rows = 0
    let numbers = try withUninitializedArrays(count: layout.numberColumns.count, capacity: capacity) { numberStorage in
      codes = try withUninitializedArrays(count: layout.codeColumns.count, capacity: capacity) { codeStorage in
        rows = try body(RegressionColumns.Storage(numbers: numberStorage, codes: codeStorage, capacity: capacity))
        return rows
      }
      return rows
    }
    return (numbers, codes)
  }

  /// `count` arrays, each with uninitialised storage for `capacity` values, which `body` fills: it gets
  /// their storage and returns how many values it initialised in every one of them (all arrays end up that
  /// long; none if it throws). The arrays are nested `Array(unsafeUninitializedCapacity:)` calls, so the
  /// storage is valid for exactly as long as `body` runs.
  static func withUninitializedArrays<Element: BitwiseCopyable>(
    count: Int, capacity: Int, _ body: ([UnsafeMutablePointer<Element>]) throws -> Int
  ) throws -> [[Element]] {
    var storage: [UnsafeMutablePointer<Element>] = []
    var initialized = 0
    func nest(_ index: Int) throws -> [[Element]] {
      if index == count {
        initialized = try body(storage)
        return []
      }
      var inner: [[Element]] = []
      let array = try [Element](unsafeUninitializedCapacity: max(1, capacity)) { buffer, filled in
        storage.append(buffer.baseAddress!)
        inner = try nest(index + 1)
        filled = initialized
      }
      return [array] + inner
    }
    return try nest(0)
  }

  // MARK: - Roles of the columns

  enum Role: Equatable { case response, offset, weights, categorical, numeric, ignored }

  static func assignRoles(names: [String], specification: Specification, path: String) throws -> [Role] {
    var seen: Set<String> = []
    for name in names {
      guard seen.insert(name).inserted else {
        throw CSVError(code: .malformed, message: "the header names column \(shown(name)) twice", file: path, line: 1)
      }
    }
    let roles: [(String, String?)] =
      [("response", specification.response), ("offset", specification.offset), ("weights", specification.weights)]
      + specification.categorical.map { ("categorical", $0) }
    var assigned: [String: String] = [:]
    for case let (role, name?) in roles {
      if let earlier = assigned[name] {
        throw CSVError(
          code: .invalidValue,
          message: "column \(shown(name)) cannot be both the \(earlier) and \(role == "categorical" ? "a" : "the") \(role)",
          file: path, column: String(name.prefix(64)))
      }
      assigned[name] = role
    }
    let required =
      [specification.response] + [specification.offset, specification.weights].compactMap { $0 }
      + specification.categorical
    for name in required where !seen.contains(name) {
      throw CSVError(
        code: .missingColumn, message: "no column \(shown(name)) in the header", file: path, line: 1,
        column: String(name.prefix(64)))
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
