import Foundation

/// A command's `--format json` output: one object (or array) on stdout, keys sorted, a non-finite number
/// as the strings "NaN", "Infinity", "-Infinity", then a newline.
enum JSONOutput {
  static func write<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    FileHandle.standardOutput.write(try encoder.encode(value) + Data("\n".utf8))
  }
}
