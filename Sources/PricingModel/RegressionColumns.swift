import CSV
import Foundation

/// The columns of one byte range of a regression CSV as they are read: a `CSVFieldSink` that turns each
/// field into a number or a level code at once (`RegressionTable.load` makes one per range and joins
/// them in file order).
///
/// Numbers (response, offset, weights and numeric predictors) and categorical codes are kept in
/// `ColumnBuffer`s; codes are by first appearance in this range's `LevelTable`. Everything lives in
/// manually managed memory reached through pointers, so the per-field path pays no reference counting,
/// uniqueness or exclusivity checks.
final class RegressionColumns: CSVDirectFieldSink {
  /// Where a CSV column's values go.
  enum Target { case ignored, number(Int), categorical(Int) }

  let names: [String]
  let path: String
  private let targets: UnsafeMutablePointer<Target>
  private let targetCount: Int
  private let numbers: UnsafeMutablePointer<ColumnBuffer<Double>>
  private let numberCount: Int
  private let codes: UnsafeMutablePointer<ColumnBuffer<Int32>>
  private let levels: UnsafeMutablePointer<LevelTable>
  private let codeCount: Int

  /// Where a range's columns may be written in place: the final columns' storage, one pointer per number
  /// column and per categorical column in header order, each with room for `capacity` values.
  struct Storage {
    var numbers: [UnsafeMutablePointer<Double>]
    var codes: [UnsafeMutablePointer<Int32>]
    var capacity: Int

    /// The same columns from row `rows` on.
    func advanced(by rows: Int) -> Storage {
      Storage(numbers: numbers.map { $0 + rows }, codes: codes.map { $0 + rows }, capacity: capacity - rows)
    }
  }

  /// `reservingRows` sizes the buffers up front (an estimate; they grow past it): address space only,
  /// memory is used as rows arrive, and the reading threads do not stop each other to grow buffers.
  /// With `storage`, the columns are written there instead (`capacity` must bound the rows the range
  /// can hold).
  init(
    names: [String], roles: [RegressionTable.Role], path: String, reservingRows: Int = 0,
    writingInto storage: Storage? = nil
  ) {
    self.names = names
    self.path = path
    var numberCount = 0
    var codeCount = 0
    let targetList: [Target] = roles.map { role in
      switch role {
      case .ignored:
        return .ignored
      case .categorical:
        codeCount += 1
        return .categorical(codeCount - 1)
      case .response, .offset, .weights, .numeric:
        numberCount += 1
        return .number(numberCount - 1)
      }
    }
    targetCount = targetList.count
    targets = .allocate(capacity: max(1, targetCount))
    targets.initialize(from: targetList, count: targetCount)
    self.numberCount = numberCount
    self.codeCount = codeCount
    numbers = .allocate(capacity: max(1, numberCount))
    codes = .allocate(capacity: max(1, codeCount))
    if let storage {
      for slot in 0..<numberCount {
        (numbers + slot).initialize(to: ColumnBuffer(writingInto: storage.numbers[slot], capacity: storage.capacity))
      }
      for slot in 0..<codeCount {
        (codes + slot).initialize(to: ColumnBuffer(writingInto: storage.codes[slot], capacity: storage.capacity))
      }
    } else {
      numbers.initialize(repeating: ColumnBuffer(), count: numberCount)
      for slot in 0..<numberCount { numbers[slot].reserve(reservingRows) }
      codes.initialize(repeating: ColumnBuffer(), count: codeCount)
      for slot in 0..<codeCount { codes[slot].reserve(reservingRows) }
    }
    levels = .allocate(capacity: max(1, codeCount))
    levels.initialize(repeating: LevelTable(), count: codeCount)
  }

  deinit {
    for slot in 0..<numberCount { numbers[slot].release() }
    for slot in 0..<codeCount { codes[slot].release() }
    targets.deinitialize(count: targetCount)
    targets.deallocate()
    numbers.deallocate()
    codes.deallocate()
    levels.deinitialize(count: codeCount)
    levels.deallocate()
  }

  // MARK: - Reading

  /// libcsv's field callback compiled for this sink (`CSVDirectFieldSink`): `take` is inlined into it.
  static let fieldCallback: CSVFieldCallback = { data, length, context in
    CSVFieldDelivery.deliver(data, length, context, to: RegressionColumns.self) {
      sink, bytes, column throws(CSVError) in
      try sink.take(bytes, column: column)
    }
  }

  /// Appends one field; a value that is empty, not a number, NaN or infinite is a `CSVError.invalidValue`
  /// naming the column (the reader adds the line).
  @inline(__always)
  func take(_ bytes: UnsafeRawBufferPointer, column: Int) throws(CSVError) {
    switch targets[column] {
    case .ignored:
      return
    case .number(let slot):
      guard let value = CSVNumber.finiteDouble(bytes) else { throw invalidNumber(bytes, column) }
      numbers[slot].append(value)
    case .categorical(let slot):
      guard bytes.count > 0 else { throw invalid("is empty", column) }
      codes[slot].append(levels[slot].code(for: bytes))
    }
  }

  /// The error for a number field that is not a finite number (out of line: the per-field path stays small).
  @inline(never)
  private func invalidNumber(_ bytes: UnsafeRawBufferPointer, _ column: Int) -> CSVError {
    let text = String(decoding: bytes.prefix(40), as: UTF8.self)
    return invalid(bytes.isEmpty ? "is empty" : "is not a finite number: \"\(text)\"", column)
  }

  @inline(never)
  private func invalid(_ problem: String, _ column: Int) -> CSVError {
    CSVError(code: .invalidValue, message: "value \(problem)", file: path, column: names[column])
  }

  // MARK: - What was read

  /// Rows read (the length of every column).
  var rowCount: Int {
    if numberCount > 0 { return numbers[0].count }
    return codeCount > 0 ? codes[0].count : 0
  }

  /// The numbers of number column `slot` (response, offset, weights and numeric columns in header order).
  func numbers(slot: Int) -> ColumnBuffer<Double> { numbers[slot] }

  /// The level codes (by first appearance in this range) of categorical column `slot` (header order).
  func codes(slot: Int) -> ColumnBuffer<Int32> { codes[slot] }

  /// The level table of categorical column `slot`.
  func levelTable(slot: Int) -> LevelTable { levels[slot] }
}
