import Foundation

/// A growable column of plain values in manually managed memory: the parse loop's appends cost a
/// capacity check and a store, without the reference counting and uniqueness checks of a nested
/// `Array`, and growth goes through `realloc`, which moves large blocks by remapping pages instead of
/// copying them. The owner calls `release()` once.
///
/// (Transparent huge pages for these blocks were tried and made reading slower: the kernel zeroes each
/// 2 MiB page at its first touch, reserved but unused capacity included.)
struct ColumnBuffer<Element: BitwiseCopyable> {
  private(set) var base: UnsafeMutablePointer<Element>?
  private(set) var count = 0
  private var capacity = 0

  init() {}

  @inline(__always)
  mutating func append(_ value: Element) {
    if count == capacity { reserve(count + 1) }
    base.unsafelyUnwrapped[count] = value
    count += 1
  }

  /// Makes room for at least `minimum` values (growing by doubling).
  mutating func reserve(_ minimum: Int) {
    guard minimum > capacity else { return }
    let newCapacity = max(minimum, capacity * 2, 4096)
    guard let grown = realloc(base, newCapacity * MemoryLayout<Element>.stride) else {
      fatalError("out of memory growing a column to \(newCapacity) values")
    }
    base = grown.assumingMemoryBound(to: Element.self)
    capacity = newCapacity
  }

  /// The values of `parts`, one after the other, as one array of `count` (their total) values.
  static func joined(_ count: Int, _ parts: [ColumnBuffer]) -> [Element] {
    Array(unsafeUninitializedCapacity: count) { target, initialized in
      guard let start = target.baseAddress else { return }
      var position = 0
      for part in parts where part.count > 0 {
        (start + position).initialize(from: part.base!, count: part.count)
        position += part.count
      }
      initialized = position
    }
  }

  /// The values of `parts`, one after the other, each mapped by `transform(partIndex, value)`.
  static func joined<Mapped>(
    _ count: Int, _ parts: [ColumnBuffer], _ transform: (Int, Element) -> Mapped
  ) -> [Mapped] {
    Array(unsafeUninitializedCapacity: count) { target, initialized in
      guard let start = target.baseAddress else { return }
      var position = 0
      for (index, part) in parts.enumerated() where part.count > 0 {
        for row in 0..<part.count { (start + position + row).initialize(to: transform(index, part.base![row])) }
        position += part.count
      }
      initialized = position
    }
  }

  /// Frees the memory; the buffer is empty afterwards.
  mutating func release() {
    free(base)
    base = nil
    count = 0
    capacity = 0
  }
}
