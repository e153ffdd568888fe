import Foundation

/// A configuration value resolved as every Zhibiao setting is: the command-line flag, else the environment
/// variable, else the default. An unreadable value is an error that names the setting.
public struct SettingError: Error, CustomStringConvertible, Sendable {
    public let setting: String
    public let value: String
    public let expected: String

    public init(setting: String, value: String, expected: String) {
        self.setting = setting
        self.value = value
        self.expected = expected
    }

    public var description: String { "invalid value for \(setting): \(value.debugDescription) (expected \(expected))" }
}

public enum Setting {
    /// The process environment, read once.
    public static let environment = ProcessInfo.processInfo.environment

    /// Resolves a setting from `flag`, then `environment[variable]`, then `defaultValue`.
    ///
    /// - Parameters:
    ///   - parse: reads the environment's text; returns nil when it is invalid.
    ///   - expected: what a valid value looks like, for the error message.
    public static func resolve<T>(
        flag: T?, variable: String, default defaultValue: T, expected: String,
        environment: [String: String] = Setting.environment, parse: (String) -> T?
    ) throws -> T {
        if let flag { return flag }
        guard let text = environment[variable], !text.isEmpty else { return defaultValue }
        guard let value = parse(text) else { throw SettingError(setting: variable, value: text, expected: expected) }
        return value
    }

    /// Resolves a setting given as flag text (as typed), then `environment[variable]`, then `defaultValue`. An
    /// unreadable value is a `SettingError` naming what the user actually gave: `flagName` or `variable`.
    public static func value<T>(
        _ flagText: String?, flag flagName: String, variable: String, default defaultValue: T, expected: String,
        environment: [String: String] = Setting.environment, parse: (String) -> T?
    ) throws -> T {
        if let flagText {
            guard let value = parse(flagText) else {
                throw SettingError(setting: flagName, value: flagText, expected: expected)
            }
            return value
        }
        return try resolve(
            flag: nil, variable: variable, default: defaultValue, expected: expected,
            environment: environment, parse: parse)
    }

    /// An integer setting with bounds, from flag text or environment.
    public static func integer(
        _ flagText: String?, flag flagName: String, variable: String, default defaultValue: Int, minimum: Int,
        maximum: Int = .max, environment: [String: String] = Setting.environment
    ) throws -> Int {
        try value(
            flagText, flag: flagName, variable: variable, default: defaultValue,
            expected: maximum == .max ? "an integer ≥ \(minimum)" : "an integer from \(minimum) to \(maximum)",
            environment: environment
        ) {
            Int($0).flatMap { (minimum...maximum).contains($0) ? $0 : nil }
        }
    }

    /// A duration given in (fractional) seconds, with bounds (at most a day unless said otherwise: a larger value
    /// is a typo, and a huge one would not fit a `Duration`), from flag text or environment.
    public static func seconds(
        _ flagText: String?, flag flagName: String, variable: String, default defaultValue: Duration,
        minimum: Double, maximum: Double = 86_400, environment: [String: String] = Setting.environment
    ) throws -> Duration {
        try value(
            flagText, flag: flagName, variable: variable, default: defaultValue,
            expected: "a number of seconds from \(minimum) to \(maximum)", environment: environment
        ) { text in
            Double(text).flatMap { (minimum...maximum).contains($0) ? Duration.milliseconds(Int64($0 * 1000)) : nil }
        }
    }
}
