import Foundation

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
          && level.withUnsafeBytes({ bytes.count == 0 || memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }
          )
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
