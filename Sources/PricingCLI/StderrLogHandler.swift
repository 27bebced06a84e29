import Foundation
import Logging

/// A swift-log handler writing one line per event to standard error, as text or JSON.
///
/// Text: `2026-11-26T01:02:03Z info ingest: message key=value`. JSON: one object per line with
/// `ts`, `level`, `label`, `message` and the metadata, for log shippers.
public struct StderrLogHandler: LogHandler {
  public enum Format: String, Sendable, CaseIterable { case text, json }

  public var metadata: Logger.Metadata = [:]
  public var logLevel: Logger.Level
  let label: String
  let format: Format

  public init(label: String, format: Format, level: Logger.Level) {
    self.label = label
    self.format = format
    self.logLevel = level
  }

  /// A logger whose handlers write to stderr in `format`, from `level` up.
  public static func logger(label: String, format: Format, level: Logger.Level) -> Logger {
    Logger(label: label) { StderrLogHandler(label: $0, format: format, level: level) }
  }

  public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  public func log(event: LogEvent) {
    let merged = metadata.merging(event.metadata ?? [:]) { $1 }
    let timestamp = ISO8601DateFormatter().string(from: Date())
    var line: String
    switch format {
    case .text:
      line = "\(timestamp) \(event.level) \(label): \(event.message)"
      for key in merged.keys.sorted() { line += " \(key)=\(merged[key]!)" }
    case .json:
      var object: [String: String] = [
        "ts": timestamp, "level": event.level.rawValue, "label": label, "message": "\(event.message)",
      ]
      for (key, value) in merged { object[key] = "\(value)" }
      let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
      line = String(decoding: data, as: UTF8.self)
    }
    FileHandle.standardError.write(Data((line + "\n").utf8))
  }
}
