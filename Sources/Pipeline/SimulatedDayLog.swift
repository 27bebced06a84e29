import Foundation

/// One day of `pricing simulate` (a row of the source's `simulation_days`, a line of its CSV and JSON logs):
/// the nightly run that priced it, what the market booked, the elasticities the serving table was priced
/// with against the truth, and the serving table judged under the true demand.
public struct SimulatedDayLog: Sendable, Codable, Equatable {
  public struct Elasticity: Sendable, Codable, Equatable {
    public var category: String
    public var estimate: Double
    /// Nil for the prior (infinite).
    public var std_error: Double?
    public var source: String
    public var truth: Double
    public var explored_days: Int?
    public var days_needed: Int?
  }

  /// The table serving the day, on the day, under the true demand (`MarketValue`), per currency.
  public struct Value: Sendable, Codable, Equatable {
    public var currency: String
    public var gmv: Double
    public var gmv_flat: Double
    public var gmv_oracle: Double
    public var capture: Double?
    /// The same table without its exploration factors: what exploration cost under the true demand is
    /// gmv_unexplored - gmv.
    public var gmv_unexplored: Double
  }

  /// The simulated day (YYYY-MM-DD): the nightly run priced from it, the market booked during it.
  public var day: String
  /// Whether the night refitted the model (else it ingested only).
  public var refit: Bool
  /// The nightly run, its outcome (`succeeded`, `rejected`: prices kept serving) and its exit code.
  public var run_id: Int64?
  public var run_status: String
  public var run_exit_code: Int32
  /// The model run and published version serving the day (nil before the first publish).
  public var serving_run_id: Int64?
  public var serving_version_id: Int64?
  /// Bookings made during the day, and the money charged, per currency.
  public var bookings: Int
  public var gmv: [String: Double]
  public var elasticities: [Elasticity]
  public var value: [Value]
  /// The serving run's exploration: cells it moved, and its expected GMV cost (the worst currency's share).
  public var explored_cells: Int?
  public var exploration_cost_share: Double?
  /// Wall-clock seconds of the day (the nightly run and the market).
  public var seconds: Double
}

extension SimulatedDayLog {
  /// The logs' JSON (the source's `simulation_days` and `--log-json`): sorted keys, and a non-finite number
  /// (a category without a truth) as the strings "nan", "inf", "-inf".
  public static func encoder(pretty: Bool = false) -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys] : [.sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return encoder
  }

  /// Reads what `encoder` wrote.
  public static func decoder() -> JSONDecoder {
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return decoder
  }
}
