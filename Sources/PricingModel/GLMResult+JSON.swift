import Foundation

/// A Double for JSON that is written as `null` when it is not finite (JSON has no NaN or infinity).
public struct JSONNumber: Encodable, Sendable, Equatable {
  public let value: Double
  public init(_ value: Double) { self.value = value }
  public func encode(to encoder: Encoder) throws {
    var container = encoder.singleValueContainer()
    if value.isFinite { try container.encode(value) } else { try container.encodeNil() }
  }
}

extension GLMResult {
  /// The JSON shape of `pricing regress` (docs/contracts.md section 3), extended compatibly with `theta`,
  /// `l2`, `pearson_dispersion`, `dropped`, `diverging`, `warnings` and `timings`.
  public struct Report: Encodable, Sendable {
    public struct Coefficient: Encodable, Sendable {
      public let name: String
      public let estimate: JSONNumber
      public let std_error: JSONNumber
    }
    public struct Dropped: Encodable, Sendable {
      public let name: String
      public let reason: String
    }
    public struct Timings: Encodable, Sendable {
      public let parse_seconds: JSONNumber
      public let fit_seconds: JSONNumber
    }

    public let family: String
    public let link: String
    public let n: Int
    public let iterations: Int
    public let converged: Bool
    public let deviance: JSONNumber
    public let null_deviance: JSONNumber
    public let dispersion: JSONNumber
    public let pearson_dispersion: JSONNumber
    public let theta: JSONNumber?
    public let l2: Double
    public let coefficients: [Coefficient]
    public let dropped: [Dropped]
    public let diverging: [String]
    public let warnings: [String]
    public let timings: Timings?
  }

  public func report(parseSeconds: Double? = nil, fitSeconds: Double? = nil) -> Report {
    Report(
      family: family.name, link: family.linkName, n: rowCount, iterations: iterations, converged: converged,
      deviance: JSONNumber(deviance), null_deviance: JSONNumber(nullDeviance), dispersion: JSONNumber(dispersion),
      pearson_dispersion: JSONNumber(pearsonDispersion), theta: theta.map(JSONNumber.init), l2: l2,
      coefficients: coefficients.map {
        .init(name: $0.name, estimate: JSONNumber($0.estimate), std_error: JSONNumber($0.standardError))
      },
      dropped: dropped.map { .init(name: $0.name, reason: $0.reason) }, diverging: diverging, warnings: warnings,
      timings: parseSeconds.map { .init(parse_seconds: JSONNumber($0), fit_seconds: JSONNumber(fitSeconds ?? .nan)) })
  }
}
