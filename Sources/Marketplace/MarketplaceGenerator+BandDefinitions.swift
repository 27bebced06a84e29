import Postgres
import Warehouse

extension MarketplaceGenerator.BandDefinition {
  /// The warehouse's experience bands (`experience_bands`), youngest first.
  public static func read(_ connection: Connection, schema: WarehouseSchema) throws -> [Self] {
    try connection.query(
      "SELECT band, min_years::float8, max_years::float8 FROM \(schema.table("experience_bands")) ORDER BY min_years"
    ).rows.map {
      Self(
        name: try $0.decode(String.self, at: 0), minYears: try $0.decode(Double.self, at: 1),
        maxYears: try $0.decode(Double?.self, at: 2))
    }
  }
}
