import Testing

@testable import PricingModel

@Suite("Level table")
struct LevelTableTests {
  /// Looks every level up in order and returns the codes.
  private func codes(_ table: inout LevelTable, _ levels: [[UInt8]]) -> [Int32] {
    levels.map { level in level.withUnsafeBytes { table.code(for: $0) } }
  }

  @Test("codes are by first appearance, short and long levels from one sequence")
  func firstAppearance() {
    var table = LevelTable()
    let levels: [[UInt8]] = [
      Array("city30".utf8), Array("a much longer level".utf8), Array("tue".utf8), Array("city30".utf8),
      Array("a much longer level".utf8), Array("".utf8), Array("tue".utf8), Array("".utf8),
    ]
    #expect(codes(&table, levels) == [0, 1, 2, 0, 1, 3, 2, 3])
    #expect(table.levels == [Array("city30".utf8), Array("a much longer level".utf8), Array("tue".utf8), []])
  }

  @Test(
    "levels that pack alike stay apart: 7 vs 8 bytes, a NUL byte, a prefix",
    arguments: [
      ([UInt8]("abcdefg".utf8), [UInt8]("abcdefgh".utf8)),
      ([UInt8]("ab".utf8), [0x61, 0x62, 0x00]),
      ([UInt8]("a".utf8), [UInt8]("ab".utf8)),
      ([0x00], []),
    ])
  func distinctSpellings(first: [UInt8], second: [UInt8]) {
    var table = LevelTable()
    #expect(codes(&table, [first, second, first, second]) == [0, 1, 0, 1])
  }

  @Test("thousands of levels of both lengths survive the tables' growth")
  func growth() {
    var table = LevelTable()
    let levels = (0..<3000).map { index in Array((index.isMultiple(of: 2) ? "c\(index)" : "level-\(index)-long").utf8) }
    #expect(codes(&table, levels) == (0..<3000).map { Int32($0) })
    #expect(codes(&table, levels.reversed()) == (0..<3000).reversed().map { Int32($0) })
    let (sorted, remap) = table.sortedLevels()
    #expect(
      sorted == levels.map { String(decoding: $0, as: UTF8.self) }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    )
    #expect(
      remap.enumerated().allSatisfy { code, sortedCode in sorted[Int(sortedCode)].utf8.elementsEqual(levels[code]) })
  }
}
