import Dispatch
import Foundation

/// Reading one file on several threads: the records after the header are cut into contiguous byte ranges,
/// one `CSVFieldReader` (one libcsv parser) per range, each range read with `pread` in 256 KiB chunks.
///
/// A cut is placed just after a line feed, which ends a record unless it sits inside a quoted field. Whether
/// it does depends only on the quotes before it; so when the ranges before the last one hold no quote byte
/// at all, every cut is a record boundary and the result is the sequential reader's, record for record and
/// line for line. When one of them does hold a quote, the partitioned result is thrown away and the whole
/// file is read again by one reader: quoted files are always read correctly, only not in parallel.
extension CSVReader {
  /// The first record of a file (its header), or nil for an empty file. Reads only as far as the record.
  public static func firstRecord(inFile path: String, options: Options = Options()) throws -> [String?]? {
    var options = options
    if options.sourceName == nil { options.sourceName = path }
    let file = try CSVFileDescriptor(path: path)
    let reader = try CSVReader(options: options)
    var header: [String?]?
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
    defer { buffer.deallocate() }
    var offset = 0
    let capture: (CSVRecord) throws -> Void = { record in
      if header == nil { header = (0..<record.count).map { record.string($0) } }
    }
    while header == nil {
      let count = try file.read(into: buffer, at: offset)
      if count == 0 { break }
      try reader.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<count]), capture)
      offset += count
    }
    if header == nil { try reader.finish(capture) }
    return header
  }

  /// Reads the file's header, makes one sink per byte range with `makeSink(header, position)` (where the
  /// range sits: `CSVRangePosition`), and passes every field after the header to its range's sink, on up
  /// to `partitions` threads (`CSVFieldReader`, one per range). The sinks come back in file order, so
  /// concatenating what they gathered gives the file's order; an empty file (no header) gives none.
  ///
  /// Errors are the sequential reader's: the first one in file order is thrown, with its line. Every record
  /// must have as many fields as the header. A range is at least `minimumRangeBytes` long (2 MiB by
  /// default: below that a thread costs more than it saves).
  ///
  /// The file's first `byteCount` bytes are read (all of it, as large as it is when the read starts, when
  /// nil): a caller who sized something by the file's size reads exactly that, even if the file grows.
  public static func readFieldsAfterHeader<Sink: CSVFieldSink>(
    inFile path: String, partitions: Int, minimumRangeBytes: Int = 2 << 20, byteCount: Int? = nil,
    makeSink: ([String?], CSVRangePosition) throws -> Sink
  ) throws -> [Sink] {
    guard let header = try firstRecord(inFile: path) else { return [] }
    let file = try CSVFileDescriptor(path: path)
    let size = try byteCount ?? file.size()
    let bytesPerLine = try file.meanLineLength()
    var cuts = [0]
    let rangeCount = min(partitions, size / max(1, minimumRangeBytes))
    if rangeCount > 1 {
      for index in 1..<rangeCount {
        let cut = try file.offsetAfterLineFeed(from: size * index / rangeCount)
        if cut > cuts.last! && cut < size { cuts.append(cut) }
      }
    }
    cuts.append(size)
    if cuts.count > 2 {
      let firstRecords = try recordsBefore(cuts: cuts, in: file)
      let sinks = try (1..<cuts.count).map {
        try makeSink(
          header,
          CSVRangePosition(
            startsFile: $0 == 1, firstRecord: firstRecords[$0 - 1],
            mostRecords: (cuts[$0] - cuts[$0 - 1]) / max(1, header.count) + 1,
            estimatedRecords: (cuts[$0] - cuts[$0 - 1]) / bytesPerLine + 1))
      }
      let outcomes = readRanges(file, cuts: cuts, fieldCount: header.count, sinks: sinks)
      if !outcomes.dropLast().contains(where: \.sawQuote) {
        try throwFirstError(outcomes)
        return sinks
      }
    }
    let sink = try makeSink(
      header,
      CSVRangePosition(
        startsFile: true, firstRecord: 0, mostRecords: size / max(1, header.count) + 1,
        estimatedRecords: size / bytesPerLine + 1))
    try throwFirstError(readRanges(file, cuts: [0, size], fieldCount: header.count, sinks: [sink]))
    return [sink]
  }

  // MARK: - Ranges

  /// For each range (between consecutive `cuts`), the records after the header that come before it at
  /// most, when the ranges before it hold no quote and no carriage return (nil otherwise): their line
  /// feeds less the header's. The ranges before the last are counted in halves, on as many threads.
  private static func recordsBefore(cuts: [Int], in file: CSVFileDescriptor) throws -> [Int?] {
    var pieces: [Range<Int>] = []
    for index in 0..<(cuts.count - 2) {
      let middle = (cuts[index] + cuts[index + 1]) / 2
      pieces += [cuts[index]..<middle, middle..<cuts[index + 1]]
    }
    let ranges = pieces
    var scans = [Result<(lineFeeds: Int, quoteOrReturn: Bool), Error>](
      repeating: .success((0, false)), count: ranges.count)
    scans.withUnsafeMutableBufferPointer { slots in
      nonisolated(unsafe) let file = file
      nonisolated(unsafe) let slots = slots
      DispatchQueue.concurrentPerform(iterations: ranges.count) { index in
        slots[index] = Result { try file.scanLineFeeds(in: ranges[index]) }
      }
    }
    var starts: [Int?] = [0]
    var lineFeeds = 0
    var plain = true
    for (index, scan) in scans.enumerated() {
      let (feeds, special) = try scan.get()
      lineFeeds += feeds
      plain = plain && !special
      if index % 2 == 1 { starts.append(plain ? max(0, lineFeeds - 1) : nil) }
    }
    return starts
  }

  /// What reading one byte range found.
  struct RangeOutcome {
    var error: Error?
    /// The line after the range's last record, counting from 1 at the range's start.
    var nextLine = 1
    var sawQuote = false
  }

  /// Reads each range into its sink, on as many threads. The sinks travel as existentials: the threads'
  /// closure then captures no generic type (readers find a sink's own callback by its dynamic type).
  private static func readRanges(
    _ file: CSVFileDescriptor, cuts: [Int], fieldCount: Int, sinks: [any CSVFieldSink]
  ) -> [RangeOutcome] {
    let count = cuts.count - 1
    var outcomes = [RangeOutcome](repeating: RangeOutcome(), count: count)
    if count == 1 {
      outcomes[0] = readRange(file, cuts[0]..<cuts[1], fieldCount: fieldCount, sink: sinks[0], skipHeader: true)
    } else {
      outcomes.withUnsafeMutableBufferPointer { slots in
        nonisolated(unsafe) let file = file
        nonisolated(unsafe) let slots = slots
        nonisolated(unsafe) let sinks = sinks
        DispatchQueue.concurrentPerform(iterations: count) { index in
          slots[index] = readRange(
            file, cuts[index]..<cuts[index + 1], fieldCount: fieldCount, sink: sinks[index], skipHeader: index == 0)
        }
      }
    }
    return outcomes
  }

  private static func readRange(
    _ file: CSVFileDescriptor, _ range: Range<Int>, fieldCount: Int, sink: any CSVFieldSink, skipHeader: Bool
  ) -> RangeOutcome {
    var outcome = RangeOutcome()
    // 256 KiB stays in the core's cache between `pread` writing it and libcsv reading it (1 MiB: 1.5-2%
    // slower on `pricing regress`).
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 18, alignment: 16)
    defer { buffer.deallocate() }
    do {
      let reader = try CSVFieldReader(
        sink: sink, expectedFieldCount: fieldCount, skippingRecords: skipHeader ? 1 : 0, sourceName: file.path)
      defer {
        outcome.nextLine = reader.nextLine
        outcome.sawQuote = reader.sawQuote
      }
      var offset = range.lowerBound
      while offset < range.upperBound {
        let wanted = min(buffer.count, range.upperBound - offset)
        let count = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<wanted]), at: offset)
        if count == 0 { break }
        try reader.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        offset += count
      }
      try reader.finish()
    } catch {
      outcome.error = error
    }
    return outcome
  }

  /// Throws the first error in file order, with its line counted from the file's start.
  private static func throwFirstError(_ outcomes: [RangeOutcome]) throws {
    var linesBefore = 0
    for outcome in outcomes {
      if var error = outcome.error {
        if var csvError = error as? CSVError, let line = csvError.line {
          csvError.line = line + linesBefore
          error = csvError
        }
        throw error
      }
      linesBefore += outcome.nextLine - 1
    }
  }
}
