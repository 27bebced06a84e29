import ArgumentParser
import CSV
import Fitting
import Foundation
import Ingest
import Marketplace
import Pipeline
import Postgres
import PricingModel
import Publish
import Reports
import Warehouse

/// An error the command line reports: one line on stderr (`pricing: error: ...`) and an exit status.
public struct CommandFailure: Error, CustomStringConvertible {
  public var status: ExitStatus
  public var message: String

  public init(status: ExitStatus, message: String) {
    self.status = status
    self.message = message
  }

  public var description: String { message }

  /// Maps any module's error to its exit status and user-facing line.
  public static func from(_ error: Error) -> CommandFailure {
    switch error {
    case let failure as CommandFailure:
      return failure
    case let error as PostgresError:
      return CommandFailure(status: status(for: error), message: error.description)
    case let error as CSVError:
      return CommandFailure(status: .dataError, message: error.description)
    case let error as WarehouseError:
      let status: ExitStatus =
        switch error.code {
        case .invalidConfiguration, .notMigrated, .schemaTooNew: .configuration
        case .migrationFailed: error.underlying.map(status(for:)) ?? .software
        }
      return CommandFailure(status: status, message: error.description)
    case let error as MarketplaceError:
      let status: ExitStatus =
        switch error.code {
        case .sourceNotEmpty: .dataError
        case .invalidSpec: .usage
        case .database: error.underlying.map(status(for:)) ?? .software
        }
      return CommandFailure(status: status, message: error.description)
    case let error as FitError:
      let status: ExitStatus =
        switch error.code {
        case .noData, .notFound, .invalidRequest: .dataError
        case .configuration: .configuration
        case .cannotWrite: .cannotCreate
        }
      return CommandFailure(status: status, message: error.description)
    case let error as PricingModelError:
      return CommandFailure(status: .dataError, message: error.description)
    case let error as PublishError:
      let status: ExitStatus =
        switch error.code {
        case .locked: .temporaryFailure
        case .notFound, .invalidRequest: .dataError
        case .rejected: .rejected
        }
      return CommandFailure(status: status, message: error.description)
    case let error as IngestError:
      let status: ExitStatus =
        switch error.code {
        case .locked: .temporaryFailure
        case .sourceContract: .dataError
        case .sourcePermission: .configuration
        case .database: error.underlying.map(status(for:)) ?? .software
        }
      return CommandFailure(status: status, message: error.description)
    case let error as PipelineError:
      let status: ExitStatus =
        switch error.code {
        case .locked: .temporaryFailure
        case .usage: .usage
        case .output: .cannotCreate
        case .configuration: .configuration
        case .rejected: .rejected
        case .notSimulatable: .dataError
        }
      return CommandFailure(status: status, message: error.description)
    case let error as ReportError:
      let status: ExitStatus =
        switch error.code {
        case .invalidPeriod: .usage
        case .output: .cannotCreate
        case .query: error.underlying.map(status(for:)) ?? .software
        }
      return CommandFailure(status: status, message: error.description)
    default:
      return CommandFailure(status: .software, message: String(describing: error))
    }
  }

  static func status(for error: PostgresError) -> ExitStatus {
    switch error.code {
    case .connectionFailed: return .unavailable
    case .connectionLost: return .temporaryFailure
    case .misuse: return .configuration
    // insufficient_privilege: a missing grant is the deployment's configuration, not a bug.
    case _ where error.sqlState == "42501": return .configuration
    default: return error.isTransient ? .temporaryFailure : .software
    }
  }
}

/// Runs a command body, turning any error into its message on stderr and its exit status.
func reportingFailures(_ body: () throws -> Void) throws {
  do {
    try body()
  } catch let error as ExitCode {
    throw error
  } catch let error as ValidationError {
    throw error
  } catch {
    let failure = CommandFailure.from(error)
    FileHandle.standardError.write(Data("pricing: error: \(failure.message)\n".utf8))
    throw failure.status.exitCode
  }
}
