import ArgumentParser
import Warehouse

/// `pricing`: the batch pricing and analytics pipeline (docs/cli.md).
public struct PricingCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "pricing",
    abstract: "Batch pricing and analytics pipeline of the service marketplace.",
    version: ProgramVersion.current,
    subcommands: [
      MigrateCommand.self, SeedCommand.self, IngestCommand.self, FitCommand.self, ModelCommand.self,
      ExplainCommand.self, ImpactCommand.self, OverrideCommand.self, PublishCommand.self, RollbackCommand.self, StatusCommand.self, ReportCommand.self,
      RunCommand.self, RegressCommand.self, ConfigCommand.self, EvaluateCommand.self, SimulateCommand.self,
    ]
  )

  public init() {}
}
