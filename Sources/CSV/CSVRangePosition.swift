/// Where one byte range of a partitioned read (`CSVReader.readFieldsAfterHeader`) sits in its file, for
/// the sink that receives its fields.
public struct CSVRangePosition: Sendable, Equatable {
  /// Whether the range's records are the file's first (after the header).
  public var startsFile: Bool
  /// The index, among the records after the header, that the range's first record has at most, when
  /// known (0 for the range at the file's start; for a later one, the line feeds before it less the
  /// header's, when the ranges before it hold no quote and no carriage return).
  public var firstRecord: Int?
  /// The most records the range can hold: a record takes at least one byte per field of the header (its
  /// separators and its line end), and a range stops at its first record of the wrong width.
  public var mostRecords: Int
  /// About how many records the range holds: its size over the mean line length of the file's first
  /// 64 KiB (for reserving memory).
  public var estimatedRecords: Int

  public init(startsFile: Bool, firstRecord: Int?, mostRecords: Int, estimatedRecords: Int) {
    self.startsFile = startsFile
    self.firstRecord = firstRecord
    self.mostRecords = mostRecords
    self.estimatedRecords = estimatedRecords
  }
}
