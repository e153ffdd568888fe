import ArgumentParser
import Foundation
import ZhibiaoConfiguration
import ZhibiaoIngest

/// The queue settings every command shares; each is a flag and an environment variable (the flag wins).
struct QueueOptions: ParsableArguments {
    @Option(help: "Largest report accepted, in bytes [env: ZHIBIAO_INGEST_MAX_BYTES; default: 10485760]")
    var maxBytes: String?

    @Option(help: "Attempts before a message is discarded [env: ZHIBIAO_INGEST_MAX_ATTEMPTS; default: 5]")
    var maxAttempts: String?

    /// Applies the resolved values to `settings`.
    func apply(to settings: inout IngestSettings) throws {
        settings.maxBytes = try CLISetting.integer(
            maxBytes, flag: "--max-bytes", variable: "ZHIBIAO_INGEST_MAX_BYTES",
            default: settings.maxBytes, minimum: 1)
        settings.maxAttempts = try CLISetting.integer(
            maxAttempts, flag: "--max-attempts",
            variable: "ZHIBIAO_INGEST_MAX_ATTEMPTS",
            default: settings.maxAttempts, minimum: 1)
    }
}

/// Flag-then-environment resolution with errors that name the setting the user actually gave.
enum CLISetting {
    static func integer(
        _ flagValue: String?, flag: String, variable: String, default defaultValue: Int,
        minimum: Int
    ) throws -> Int {
        try value(
            flagValue, flag: flag, variable: variable, default: defaultValue,
            expected: "an integer ≥ \(minimum)"
        ) { Int($0).flatMap { $0 >= minimum ? $0 : nil } }
    }

    static func seconds(
        _ flagValue: String?, flag: String, variable: String, default defaultValue: Duration,
        minimum: Double
    ) throws -> Duration {
        try value(
            flagValue, flag: flag, variable: variable, default: defaultValue,
            expected: "a number of seconds ≥ \(minimum)"
        ) { text in
            Double(text).flatMap { $0 >= minimum && $0.isFinite ? Duration.milliseconds(Int64($0 * 1000)) : nil }
        }
    }

    static func value<T>(
        _ flagValue: String?, flag: String, variable: String, default defaultValue: T,
        expected: String, parse: (String) -> T?
    ) throws -> T {
        if let flagValue {
            guard let value = parse(flagValue) else {
                throw InvalidSetting(setting: flag, value: flagValue, expected: expected)
            }
            return value
        }
        return try Setting.resolve(
            flag: nil, variable: variable, default: defaultValue, expected: expected,
            parse: parse)
    }
}

/// A flag whose value cannot be used (the environment's are reported by ZhibiaoConfiguration's `SettingError`).
struct InvalidSetting: Error, CustomStringConvertible {
    let setting: String
    let value: String
    let expected: String

    var description: String { "invalid value for \(setting): \(value.debugDescription) (expected \(expected))" }
}

/// Runs a command body so that configuration and database errors end in one clear line and a non-zero exit.
func reportingErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as ExitCode {
        throw error
    } catch let error as SettingError {
        FileHandle.standardError.write(Data("zhibiao-ingest: \(error.description)\n".utf8))
        throw ExitCode(64)
    } catch let error as InvalidSetting {
        FileHandle.standardError.write(Data("zhibiao-ingest: \(error.description)\n".utf8))
        throw ExitCode(64)
    } catch {
        // PostgresError.description names the target without its password and never includes SQL.
        FileHandle.standardError.write(Data("zhibiao-ingest: \(error)\n".utf8))
        throw ExitCode(1)
    }
}
