import ArgumentParser
import Foundation
import Logging
import ZhibiaoObservability

/// `--log-level` and `--log-format`, shared by both services (environment: `ZHIBIAO_LOG_LEVEL`, `ZHIBIAO_LOG_FORMAT`).
public struct LoggingOptions: ParsableArguments, Sendable {
    public enum Format: String, ExpressibleByArgument, CaseIterable, Sendable {
        case text
        case json
    }

    @Option(help: "trace, debug, info, notice, warning, error or critical [env: ZHIBIAO_LOG_LEVEL; default: info]")
    public var logLevel: String?

    @Option(help: "text (one readable line per event) or json (one JSON object per line) [env: ZHIBIAO_LOG_FORMAT]")
    public var logFormat: Format?

    public init() {}

    /// Installs the chosen handler for the whole process, writing to standard error. Call once, early.
    public func bootstrap(label: String) throws {
        let level = try Setting.resolve(
            flag: logLevel.map { Logger.Level(rawValue: $0) } ?? nil, variable: "ZHIBIAO_LOG_LEVEL",
            default: .info, expected: Logger.Level.allCases.map(\.rawValue).joined(separator: ", "),
            parse: { Logger.Level(rawValue: $0) })
        if let logLevel, Logger.Level(rawValue: logLevel) == nil {
            throw SettingError(
                setting: "--log-level", value: logLevel,
                expected: Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let format = try Setting.resolve(
            flag: logFormat, variable: "ZHIBIAO_LOG_FORMAT", default: .text, expected: "text or json",
            parse: { Format(rawValue: $0) })
        LoggingSystem.bootstrap { name in
            var handler: any LogHandler =
                switch format {
                case .text: EscapingLogHandler(StreamLogHandler.standardError(label: name))
                case .json: JSONLogHandler(label: name)
                }
            handler.logLevel = level
            return handler
        }
    }
}
