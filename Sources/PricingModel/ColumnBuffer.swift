import Foundation

/// A growable column of plain values in manually managed memory: the parse loop's appends cost a
/// capacity check and a store, without the reference counting and uniqueness checks of a nested
/// `Array`, and growth goes through `realloc`, which moves large blocks by remapping pages instead of
/// copying them. The owner calls `release()` once.
///
/// A buffer may also write into storage it does not own (`init(writingInto:capacity:)`: a final array's
/// uninitialised storage, sized by a bound its writer cannot exceed): it never grows and never frees it.
///
/// The memory ahead of the values is made present in blocks of `populateBytes` (`madvise` with
/// `MADV_POPULATE_WRITE`, Linux 5.14): one call maps 64 pages, where writing the values one by one
/// takes a page fault per page (4% of a single-threaded `pricing regress` parse). On a kernel without it
/// the call fails and the pages fault in as they are written.
///
/// (Transparent huge pages for these blocks were tried and made reading slower: the kernel zeroes each
/// 2 MiB page at its first touch, reserved but unused capacity included.)
struct ColumnBuffer<Element: BitwiseCopyable> {
  private(set) var base: UnsafeMutablePointer<Element>?
  private(set) var count = 0
  private var capacity = 0
  private var ownsMemory = true
  /// Values that fit before the next block must be made present (at most `capacity`): `append` compares
  /// `count` with this alone.
  private var presentLimit = 0

  static var populateBytes: Int { 1 << 18 }

  init() {}

  /// A buffer over `capacity` values of storage owned elsewhere. Appending past `capacity` is a
  /// programming error (the caller sizes the storage by a bound on the values it can receive).
  init(writingInto storage: UnsafeMutablePointer<Element>, capacity: Int) {
    base = storage
    self.capacity = capacity
    ownsMemory = false
  }

  @inline(__always)
  mutating func append(_ value: Element) {
    if count == presentLimit { makeRoom() }
    base.unsafelyUnwrapped[count] = value
    count += 1
  }

  /// Grows the buffer when it is full, and makes the next block of its memory present.
  @inline(never)
  private mutating func makeRoom() {
    if count == capacity { reserve(count + 1) }
    let start = UInt(bitPattern: base! + count) & ~(systemPageSize - 1)
    let end = min(UInt(bitPattern: base! + capacity), start + UInt(Self.populateBytes))
    if end > start { _ = madvise(UnsafeMutableRawPointer(bitPattern: start), Int(end - start), MADV_POPULATE_WRITE) }
    let stride = UInt(MemoryLayout<Element>.stride)
    presentLimit = max(count + 1, Int((end - UInt(bitPattern: base!)) / stride))
  }

  /// Makes room for at least `minimum` values (growing by doubling).
  mutating func reserve(_ minimum: Int) {
    guard minimum > capacity else { return }
    precondition(ownsMemory, "a column written into borrowed storage outgrew its \(capacity) values")
    let newCapacity = max(minimum, capacity * 2, 4096)
    guard let grown = realloc(base, newCapacity * MemoryLayout<Element>.stride) else {
      fatalError("out of memory growing a column to \(newCapacity) values")
    }
    base = grown.assumingMemoryBound(to: Element.self)
    capacity = newCapacity
  }

  /// Copies the values into `destination`.
  func copy(into destination: UnsafeMutablePointer<Element>) {
    guard count > 0 else { return }
    destination.initialize(from: base!, count: count)
  }

  /// Writes the values into `destination`, each mapped by `transform`.
  func copy<Mapped>(into destination: UnsafeMutablePointer<Mapped>, _ transform: (Element) -> Mapped) {
    for row in 0..<count { (destination + row).initialize(to: transform(base![row])) }
  }

  /// Frees the memory; the buffer is empty afterwards.
  mutating func release() {
    if ownsMemory { free(base) }
    base = nil
    count = 0
    capacity = 0
    presentLimit = 0
  }
}

/// The system's page size (`madvise` takes page-aligned addresses).
private let systemPageSize = UInt(max(4096, sysconf(Int32(_SC_PAGESIZE))))
