import Foundation

/// A Swift value that can be bound to a `$n` parameter.
///
/// Values travel in PostgreSQL's text format except `Data`, which goes in binary (no escaping of bytea).
public protocol PostgresBindable: Sendable {
    /// The parameter as libpq wants it; `nil` binds SQL NULL.
    var postgresParameter: PostgresParameter? { get }
}

/// One bound parameter: its bytes and whether they are text or binary.
public struct PostgresParameter: Sendable {
    public enum Format: Int32, Sendable {
        case text = 0
        case binary = 1
    }

    public let bytes: [UInt8]
    public let format: Format

    public init(text: String) {
        self.bytes = Array(text.utf8)
        self.format = .text
    }

    public init(binary: [UInt8]) {
        self.bytes = binary
        self.format = .binary
    }
}

extension String: PostgresBindable {
    public var postgresParameter: PostgresParameter? { PostgresParameter(text: self) }
}

extension Substring: PostgresBindable {
    public var postgresParameter: PostgresParameter? { PostgresParameter(text: String(self)) }
}

extension Int: PostgresBindable {
    public var postgresParameter: PostgresParameter? { PostgresParameter(text: String(self)) }
}

extension Int32: PostgresBindable {
    public var postgresParameter: PostgresParameter? { PostgresParameter(text: String(self)) }
}

extension Int64: PostgresBindable {
    public var postgresParameter: PostgresParameter? { PostgresParameter(text: String(self)) }
}

extension Double: PostgresBindable {
    public var postgresParameter: PostgresParameter? { PostgresParameter(text: String(self)) }
}

extension Bool: PostgresBindable {
    public var postgresParameter: PostgresParameter? { PostgresParameter(text: self ? "t" : "f") }
}

extension Decimal: PostgresBindable {
    /// NUMERIC in its exact decimal text (never through a binary float).
    public var postgresParameter: PostgresParameter? {
        PostgresParameter(text: NSDecimalNumber(decimal: self).description(withLocale: Locale(identifier: "en_US_POSIX")))
    }
}

extension Data: PostgresBindable {
    public var postgresParameter: PostgresParameter? { PostgresParameter(binary: [UInt8](self)) }
}

extension Date: PostgresBindable {
    /// A `timestamptz` in ISO 8601 with microseconds, UTC.
    public var postgresParameter: PostgresParameter? {
        PostgresParameter(text: PostgresDateFormat.timestamp(self))
    }
}

extension Optional: PostgresBindable where Wrapped: PostgresBindable {
    public var postgresParameter: PostgresParameter? { self?.postgresParameter }
}

/// A SQL NULL of no particular type, for `$n` parameters whose type the statement fixes.
public struct PostgresNull: PostgresBindable {
    public init() {}
    public var postgresParameter: PostgresParameter? { nil }
}
