import Foundation

/// Level codes by first appearance, looked up by the field's bytes without allocating on a hit.
///
/// Two open-addressing tables with linear probing: levels of at most 7 bytes (category codes, city and
/// weekday names) are packed with their length into one `UInt64` key, hashed by one multiplication
/// (Fibonacci hashing, Knuth TAOCP vol. 3, 6.4) and compared as integers; longer levels are hashed with
/// FNV-1a and compared byte-wise. Both give codes from the same sequence, so a code is a level's position
/// in `levels` whichever table found it.
struct LevelTable {
  private(set) var levels: [[UInt8]] = []
  private var slots = [Int32](repeating: -1, count: 64)
  private var hashes = [UInt64](repeating: 0, count: 64)
  /// Packed short levels (0 = empty slot: a packed key always holds its length + 1 in the top byte).
  private var shortKeys = [UInt64](repeating: 0, count: 64)
  private var shortCodes = [Int32](repeating: -1, count: 64)
  private var shortCount = 0
  private var longCount = 0

  /// The code of the level spelled by `bytes`, added as the next code when it is new.
  @inline(__always)
  mutating func code(for bytes: UnsafeRawBufferPointer) -> Int32 {
    bytes.count <= 7 ? shortCode(for: bytes) : longCode(for: bytes)
  }

  // MARK: - Long levels

  private mutating func longCode(for bytes: UnsafeRawBufferPointer) -> Int32 {
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
    let code = newLevel(bytes)
    slots[slot] = code
    hashes[slot] = hash
    longCount += 1
    if longCount * 2 > slots.count { grow() }
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

  // MARK: - Short levels

  @inline(__always)
  private mutating func shortCode(for bytes: UnsafeRawBufferPointer) -> Int32 {
    var key = UInt64(bytes.count + 1) << 56
    var shift: UInt64 = 0
    for byte in bytes {
      key |= UInt64(byte) << shift
      shift &+= 8
    }
    let mask = shortKeys.count - 1
    var slot = Self.shortSlot(key, mask)
    while true {
      let found = shortKeys[slot]
      if found == key { return shortCodes[slot] }
      if found == 0 { break }
      slot = (slot + 1) & mask
    }
    return addShort(bytes, key: key, slot: slot)
  }

  /// Adds a new short level at its free slot.
  @inline(never)
  private mutating func addShort(_ bytes: UnsafeRawBufferPointer, key: UInt64, slot: Int) -> Int32 {
    let code = newLevel(bytes)
    shortKeys[slot] = key
    shortCodes[slot] = code
    shortCount += 1
    if shortCount * 2 > shortKeys.count { growShort() }
    return code
  }

  /// The home slot of a packed key: the high half of its product with 2^64 / golden ratio.
  @inline(__always)
  private static func shortSlot(_ key: UInt64, _ mask: Int) -> Int {
    Int(truncatingIfNeeded: (key &* 0x9e37_79b9_7f4a_7c15) >> 32) & mask
  }

  private mutating func growShort() {
    let capacity = shortKeys.count * 2
    var newKeys = [UInt64](repeating: 0, count: capacity)
    var newCodes = [Int32](repeating: -1, count: capacity)
    for (slot, key) in shortKeys.enumerated() where key != 0 {
      var target = Self.shortSlot(key, capacity - 1)
      while newKeys[target] != 0 { target = (target + 1) & (capacity - 1) }
      newKeys[target] = key
      newCodes[target] = shortCodes[slot]
    }
    shortKeys = newKeys
    shortCodes = newCodes
  }

  // MARK: - Both tables

  /// Adds `bytes` as the next level and returns its code.
  private mutating func newLevel(_ bytes: UnsafeRawBufferPointer) -> Int32 {
    levels.append(Array(bytes))
    return Int32(levels.count - 1)
  }

  /// Levels in byte-wise order, and the map from first-appearance code to sorted code.
  func sortedLevels() -> (levels: [String], remap: [Int32]) {
    let order = levels.indices.sorted { levels[$0].lexicographicallyPrecedes(levels[$1]) }
    var remap = [Int32](repeating: 0, count: levels.count)
    for (sortedIndex, original) in order.enumerated() { remap[original] = Int32(sortedIndex) }
    return (order.map { String(decoding: levels[$0], as: UTF8.self) }, remap)
  }
}
