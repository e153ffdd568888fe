import Foundation

/// A Swift type that a column in text format decodes to.
public protocol PostgresDecodable: Sendable {
    /// Decodes PostgreSQL's text output; `nil` is SQL NULL.
    static func decode(postgresText text: String?) throws -> Self
}

/// Types that decode from a non-NULL text value.
protocol PostgresTextDecodable: PostgresDecodable {
    static func decode(nonNull text: String) -> Self?
    static var postgresTypeName: String { get }
}

extension PostgresTextDecodable {
    public static func decode(postgresText text: String?) throws -> Self {
        guard let text else {
            throw PostgresError(code: .decoding, message: "NULL where \(postgresTypeName) was expected")
        }
        guard let value = decode(nonNull: text) else {
            throw PostgresError(code: .decoding, message: "cannot read \(text.prefix(40).debugDescription) as \(postgresTypeName)")
        }
        return value
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public static func decode(postgresText text: String?) throws -> Wrapped? {
        guard let text else { return nil }
        return try Wrapped.decode(postgresText: text)
    }
}

extension String: PostgresTextDecodable {
    static func decode(nonNull text: String) -> String? { text }
    static var postgresTypeName: String { "text" }
}

extension Int: PostgresTextDecodable {
    static func decode(nonNull text: String) -> Int? { Int(text) }
    static var postgresTypeName: String { "an integer" }
}

extension Int32: PostgresTextDecodable {
    static func decode(nonNull text: String) -> Int32? { Int32(text) }
    static var postgresTypeName: String { "a 32-bit integer" }
}

extension Int64: PostgresTextDecodable {
    static func decode(nonNull text: String) -> Int64? { Int64(text) }
    static var postgresTypeName: String { "a 64-bit integer" }
}

extension Double: PostgresTextDecodable {
    static func decode(nonNull text: String) -> Double? { Double(text) }
    static var postgresTypeName: String { "a double" }
}

extension Bool: PostgresTextDecodable {
    static func decode(nonNull text: String) -> Bool? {
        switch text {
        case "t", "true": true
        case "f", "false": false
        default: nil
        }
    }
    static var postgresTypeName: String { "a boolean" }
}

extension Decimal: PostgresTextDecodable {
    /// NUMERIC read exactly from its decimal text (`Decimal(string:)` parses digits, not a binary float).
    static func decode(nonNull text: String) -> Decimal? {
        guard text != "NaN" else { return nil }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }
    static var postgresTypeName: String { "a numeric" }
}

extension Date: PostgresTextDecodable {
    /// A `date` (midnight UTC) or a `timestamp`/`timestamptz` printed in the session's UTC time zone.
    static func decode(nonNull text: String) -> Date? { PostgresDateFormat.parse(text) }
    static var postgresTypeName: String { "a date or timestamp" }
}

extension Data: PostgresTextDecodable {
    /// A `bytea` in hex output format (`\x…`, the default since PostgreSQL 9.0).
    static func decode(nonNull text: String) -> Data? {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 2, utf8[0] == UInt8(ascii: "\\"), utf8[1] == UInt8(ascii: "x"), utf8.count % 2 == 0 else {
            return nil
        }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            case 65...70: c - 55
            default: nil
            }
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity((utf8.count - 2) / 2)
        var index = 2
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return Data(bytes)
    }
    static var postgresTypeName: String { "bytea" }
}
