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
            throw PostgresError(
                code: .decoding, message: "cannot read \(text.prefix(40).debugDescription) as \(postgresTypeName)")
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
        var text = text
        return text.withUTF8 { hex -> Data? in
            guard hex.count >= 2, hex[0] == UInt8(ascii: "\\"), hex[1] == UInt8(ascii: "x"), hex.count % 2 == 0 else {
                return nil
            }
            var data = Data(count: (hex.count - 2) / 2)
            let valid = data.withUnsafeMutableBytes { bytes -> Bool in
                var invalid: UInt8 = 0
                for index in 0..<bytes.count {
                    let high = hexValues[Int(hex[2 + 2 * index])]
                    let low = hexValues[Int(hex[3 + 2 * index])]
                    invalid |= (high | low) & 0xF0
                    bytes[index] = high << 4 | low
                }
                return invalid == 0
            }
            return valid ? data : nil
        }
    }

    /// Each byte's value as a hex digit, or 0xFF.
    private static let hexValues: [UInt8] = (0...255).map { byte in
        switch UInt8(byte) {
        case 48...57: UInt8(byte) - 48
        case 97...102: UInt8(byte) - 87
        case 65...70: UInt8(byte) - 55
        default: 0xFF
        }
    }
    static var postgresTypeName: String { "bytea" }
}
