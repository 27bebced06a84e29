import Foundation
import Testing

@testable import PricingModel

@Suite("Column buffer")
struct ColumnBufferTests {
  /// Enough values to cross several blocks made present ahead of the writes.
  static let count = 3 * ColumnBuffer<Double>.populateBytes / 8 + 1_234

  @Test(
    "owned memory: values survive growth across blocks, from no reservation and from a small one",
    arguments: [0, 5, 70_000])
  func ownedGrowth(reserved: Int) {
    var buffer = ColumnBuffer<Double>()
    defer { buffer.release() }
    buffer.reserve(reserved)
    for value in 0..<Self.count { buffer.append(Double(value) * 0.5) }
    #expect(buffer.count == Self.count)
    let values = (0..<Self.count).map { buffer.base![$0] }
    #expect(values == (0..<Self.count).map { Double($0) * 0.5 })
  }

  @Test(
    "borrowed storage that does not start on a page: every value lands in place, nothing after it is written",
    arguments: [0, 3, 1_021])
  func borrowedStorage(offset: Int) {
    let capacity = Self.count + offset + 16
    let storage = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
    defer { storage.deallocate() }
    storage.initialize(repeating: -1, count: capacity)
    var buffer = ColumnBuffer<Int32>(writingInto: storage + offset, capacity: Self.count)
    for value in 0..<Self.count { buffer.append(Int32(value)) }
    #expect(buffer.count == Self.count)
    #expect((0..<Self.count).allSatisfy { storage[offset + $0] == Int32($0) })
    #expect((0..<offset).allSatisfy { storage[$0] == -1 })
    #expect((offset + Self.count..<capacity).allSatisfy { storage[$0] == -1 })
    buffer.release()
  }

  @Test("a borrowed buffer filled to its capacity exactly")
  func borrowedToCapacity() {
    let storage = UnsafeMutablePointer<Double>.allocate(capacity: 7)
    defer { storage.deallocate() }
    var buffer = ColumnBuffer<Double>(writingInto: storage, capacity: 7)
    for value in 0..<7 { buffer.append(Double(value)) }
    #expect((0..<7).map { storage[$0] } == [0, 1, 2, 3, 4, 5, 6])
    buffer.release()
  }
}
