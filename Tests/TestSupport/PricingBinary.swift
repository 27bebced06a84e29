import Foundation

/// Runs the built `pricing` executable as cron would: arguments, environment, exit status, output.
public enum PricingBinary {
  public struct Outcome: Sendable {
    public let status: Int32
    public let standardOutput: String
    public let standardError: String
  }

  /// The executable beside the test bundle (`swift build` puts both in the same folder), or `$PRICING_BINARY`.
  public static var url: URL {
    if let explicit = ProcessInfo.processInfo.environment["PRICING_BINARY"] { return URL(fileURLWithPath: explicit) }
    var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    while folder.path != "/" && !FileManager.default.fileExists(atPath: folder.appendingPathComponent("pricing").path) {
      folder = folder.deletingLastPathComponent()
      if folder.lastPathComponent == ".build" { break }
    }
    return folder.appendingPathComponent("pricing")
  }

  /// Starts `pricing ARGUMENTS` with its output discarded and returns at once (for tests that kill it).
  public static func start(_ arguments: [String]) throws -> Process {
    let process = Process()
    process.executableURL = url
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    try process.run()
    return process
  }

  /// Runs `pricing ARGUMENTS` with extra environment variables and waits for it.
  public static func run(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Outcome {
    guard FileManager.default.isExecutableFile(atPath: url.path) else {
      throw TestSetupError(message: "pricing binary not found at \(url.path); run swift build first")
    }
    let process = Process()
    process.executableURL = url
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
    let output = Pipe()
    let error = Pipe()
    process.standardOutput = output
    process.standardError = error
    process.standardInput = FileHandle.nullDevice
    try process.run()
    // Read both pipes to the end before waiting, so a chatty child never blocks on a full pipe.
    let group = DispatchGroup()
    nonisolated(unsafe) var errorData = Data()
    group.enter()
    DispatchQueue.global().async {
      errorData = error.fileHandleForReading.readDataToEndOfFile()
      group.leave()
    }
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return Outcome(
      status: process.terminationStatus, standardOutput: String(decoding: outputData, as: UTF8.self),
      standardError: String(decoding: errorData, as: UTF8.self))
  }
}
