import Pipeline
import Warehouse

extension GlobalOptions {
  /// The warehouse to use with a configuration file's settings: `--warehouse` (else `--source`) over the
  /// file's `database.warehouse`, and `--schema`, when given, over its `database.schema`.
  func warehouse(with settings: PipelineConfig) throws -> (conninfo: String, schema: WarehouseSchema) {
    let conninfo = warehouse ?? source ?? settings.warehouseConninfo
    let schema =
      self.schema == WarehouseSchema.defaultName
      ? try WarehouseSchema(name: settings.schema) : try warehouseSchema()
    return (conninfo, schema)
  }
}
