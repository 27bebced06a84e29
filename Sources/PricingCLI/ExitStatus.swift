import ArgumentParser

/// The exit codes of `pricing` (docs/contracts.md section 3; sysexits.h numbering). docs/cli.md lists them.
public enum ExitStatus: Int32, Sendable, CaseIterable {
  case success = 0
  /// A command line that does not parse.
  case usage = 64
  /// Input data unusable (malformed CSV, a source missing a table...).
  case dataError = 65
  /// The database cannot be reached (refused, wrong port, bad conninfo, authentication failed).
  case unavailable = 69
  /// An internal error: a bug, or a database error that is neither transient nor about the input.
  case software = 70
  /// An output file or folder cannot be written.
  case cannotCreate = 73
  /// Another run holds the lock, or a transient failure outlasted its retries.
  case temporaryFailure = 75
  /// Configuration invalid (a setting out of range, an invalid schema name...).
  case configuration = 78
  /// A model fit did not converge within its iteration limit (`regress` still prints its JSON).
  case notConverged = 80
  /// A model rejected by validation (`fit`), or prices rejected by a guardrail; previous prices keep serving.
  case rejected = 81
  /// `status`: the last run failed, no prices are published, or they are older than the threshold.
  case unhealthy = 82

  public var exitCode: ExitCode { ExitCode(rawValue) }
}
