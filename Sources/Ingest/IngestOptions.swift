import Postgres
import Warehouse

/// What `pricing ingest` is asked to do.
public struct IngestOptions: Sendable {
  public var sourceConninfo: String
  public var warehouseConninfo: String
  public var sourceSchema: SQLIdentifier
  public var warehouse: WarehouseSchema
  /// Reload every table whole (and mark rows gone from the source as deleted).
  public var full: Bool
  /// How far before the last watermark an incremental run starts reading, for transactions that
  /// committed late (default one hour).
  public var overlapSeconds: Int
  /// The exit status a failure is recorded with in `runs` (the command's own; 70 when not told).
  public var exitCode: @Sendable (Error) -> Int32

  public init(
    sourceConninfo: String, warehouseConninfo: String, sourceSchema: SQLIdentifier, warehouse: WarehouseSchema,
    full: Bool = false, overlapSeconds: Int = 3600, exitCode: @escaping @Sendable (Error) -> Int32 = { _ in 70 }
  ) {
    self.exitCode = exitCode
    self.sourceConninfo = sourceConninfo
    self.warehouseConninfo = warehouseConninfo
    self.sourceSchema = sourceSchema
    self.warehouse = warehouse
    self.full = full
    self.overlapSeconds = overlapSeconds
  }
}
