import ArgumentParser
import Foundation
import Pipeline

/// `pricing config show [--format text|json]`: the effective settings and where each came from.
struct ConfigCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "config", abstract: "Inspect the effective settings.", subcommands: [Show.self])

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "show",
      abstract: "Print every setting's effective value and where it came from (passwords masked).",
      discussion: "Sources, later winning: default < the file (--config or $PRICING_CONFIG) < PRICING_* < flags.")

    @OptionGroup var options: GlobalOptions

    @Option(help: "Output format: text (pricing.toml syntax with the origin as a comment) or json.")
    var format: String = "text"

    func validate() throws {
      guard format == "text" || format == "json" else { throw ValidationError("--format must be text or json") }
    }

    func run() throws {
      try reportingFailures {
        let settings = try options.settings().effectiveSettings
        if format == "json" {
          let encoder = JSONEncoder()
          encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
          FileHandle.standardOutput.write(try encoder.encode(settings) + Data("\n".utf8))
          return
        }
        var section = ""
        for setting in settings {
          let parts = setting.name.split(separator: ".", maxSplits: 1).map(String.init)
          if parts[0] != section {
            if !section.isEmpty { print("") }
            section = parts[0]
            print("[\(section)]")
          }
          print("\(parts[1]) = \(setting.value)  # \(setting.origin)")
        }
      }
    }
  }
}
