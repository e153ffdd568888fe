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

    /// Text already encoded as UTF-8.
    public init(utf8: [UInt8]) {
        self.bytes = utf8
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
    public var postgresParameter: PostgresParameter? { PostgresParameter(text: postgresNumericText) }

    /// Plain decimal text (`-0.005`, `12000000`, never exponent notation): the same text as `description`, about
    /// five times faster for a significand that fits in 64 bits — every figure a report states — which matters when
    /// a COPY writes a hundred thousand of them.
    public var postgresNumericText: String {
        var text: [UInt8] = []
        appendPostgresNumericText(to: &text)
        return String(decoding: text, as: UTF8.self)
    }

    /// Appends `postgresNumericText`'s UTF-8 to `buffer`.
    @usableFromInline func appendPostgresNumericText(to buffer: inout [UInt8]) {
        guard isFinite else { return buffer.append(contentsOf: description.utf8) }
        let magnitude = significand
        // Whether the significand fits: through NSDecimalNumber and back (a `<=` on Decimal costs twice as much).
        let digits = NSDecimalNumber(decimal: magnitude).uint64Value
        guard Decimal(digits) == magnitude else { return buffer.append(contentsOf: description.utf8) }
        if sign == .minus && digits != 0 { buffer.append(UInt8(ascii: "-")) }
        let start = buffer.count
        ASCIIDigits.append(UInt(digits), to: &buffer)
        let zero = UInt8(ascii: "0")
        if exponent >= 0 {
            if digits != 0 { buffer.append(contentsOf: repeatElement(zero, count: exponent)) }
            return
        }
        let fractionDigits = -exponent
        let written = buffer.count - start
        if written <= fractionDigits {
            buffer.insert(contentsOf: repeatElement(zero, count: fractionDigits - written + 1), at: start)
        }
        buffer.insert(UInt8(ascii: "."), at: buffer.count - fractionDigits)
        while buffer.last == zero { buffer.removeLast() }
        if buffer.last == UInt8(ascii: ".") { buffer.removeLast() }
    }
}

/// A non-negative integer's decimal digits, appended as ASCII.
@usableFromInline enum ASCIIDigits {
    @inlinable static func append(_ magnitude: UInt, to buffer: inout [UInt8]) {
        var magnitude = magnitude
        let start = buffer.count
        repeat {
            buffer.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10))
            magnitude /= 10
        } while magnitude != 0
        buffer[start...].reverse()
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

/// A one-dimensional array parameter in PostgreSQL's text form (`{"a","b",NULL}`), for `unnest($n::text[], …)`:
/// several rows in one statement. Elements are the text forms of their values, `nil` is NULL; the statement's cast
/// (`::int[]`, `::numeric[]` …) gives them their type.
public struct PostgresArray: PostgresBindable {
    public var elements: [String?]

    public init(_ elements: [String?]) {
        self.elements = elements
    }

    public var postgresParameter: PostgresParameter? {
        var text = [UInt8]()
        text.reserveCapacity(2 + elements.reduce(0) { $0 + ($1?.utf8.count ?? 4) + 3 })
        text.append(UInt8(ascii: "{"))
        for (index, element) in elements.enumerated() {
            if index > 0 { text.append(UInt8(ascii: ",")) }
            guard var element else {
                text.append(contentsOf: "NULL".utf8)
                continue
            }
            // Quoted, so empty strings, spaces, commas, braces and the word NULL stay values.
            text.append(UInt8(ascii: "\""))
            element.withUTF8 { bytes in
                guard bytes.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
                    text.append(contentsOf: bytes)
                    return
                }
                for byte in bytes {
                    if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { text.append(UInt8(ascii: "\\")) }
                    text.append(byte)
                }
            }
            text.append(UInt8(ascii: "\""))
        }
        text.append(UInt8(ascii: "}"))
        return PostgresParameter(utf8: text)
    }
}
