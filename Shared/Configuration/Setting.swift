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

    /// An integer setting with a lower bound, from flag or environment.
    public static func integer(
        flag: Int?, variable: String, default defaultValue: Int, minimum: Int,
        environment: [String: String] = Setting.environment
    ) throws -> Int {
        let value = try resolve(
            flag: flag, variable: variable, default: defaultValue, expected: "an integer ≥ \(minimum)",
            environment: environment, parse: { Int($0) })
        guard value >= minimum else {
            throw SettingError(setting: flag != nil ? "--\(variable.flagName)" : variable, value: String(value),
                               expected: "an integer ≥ \(minimum)")
        }
        return value
    }
}

extension String {
    /// `ZHIBIAO_MAX_LINE_BYTES` → `max-line-bytes`: the flag that goes with an environment variable.
    var flagName: String {
        var name = self
        if name.hasPrefix("ZHIBIAO_") { name.removeFirst("ZHIBIAO_".count) }
        return name.lowercased().replacingOccurrences(of: "_", with: "-")
    }
}
