import CLibPQ
import Foundation

/// The rows of one `COPY … FROM STDIN`, in text format, written straight into the bytes sent to the server: no array
/// of strings per row, integers as digits. Values are escaped here, so any text (tabs, newlines, backslashes)
/// round-trips. Rows go to the server 64 KiB at a time.
public struct CopyRowWriter: ~Copyable {
    fileprivate let handle: OpaquePointer
    @usableFromInline var buffer: [UInt8] = []
    fileprivate var failure: String?
    @usableFromInline var atRowStart = true

    fileprivate init(handle: OpaquePointer) {
        self.handle = handle
        buffer.reserveCapacity(Self.chunk + 4096)
    }

    @usableFromInline static let chunk = 1 << 16

    /// The next column's value; `nil` is NULL.
    @inlinable public mutating func field(_ value: String?) {
        separate()
        guard var text = value else { return appendNull() }
        text.withUTF8 { Self.appendEscaped($0, to: &buffer) }
    }

    /// The next column's value as decimal digits; `nil` is NULL.
    @inlinable public mutating func field(_ value: Int?) {
        separate()
        guard let value else { return appendNull() }
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        ASCIIDigits.append(value.magnitude, to: &buffer)
    }

    /// The next column's value as decimal digits; `nil` is NULL.
    @inlinable public mutating func field(_ value: Int64?) {
        separate()
        guard let value else { return appendNull() }
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        ASCIIDigits.append(UInt(value.magnitude), to: &buffer)
    }

    /// The next column's value as plain decimal text (`Decimal.postgresNumericText`); `nil` is NULL.
    @inlinable public mutating func field(_ value: Decimal?) {
        separate()
        guard let value else { return appendNull() }
        value.appendPostgresNumericText(to: &buffer)
    }

    /// Ends the row; sends what is written once it reaches a chunk. Throws when the server connection failed (the
    /// COPY is then ended with that error).
    @inlinable public mutating func endRow() throws {
        buffer.append(UInt8(ascii: "\n"))
        atRowStart = true
        if buffer.count >= Self.chunk { try flush() }
    }

    @inlinable mutating func separate() {
        if !atRowStart { buffer.append(UInt8(ascii: "\t")) }
        atRowStart = false
    }

    @inlinable mutating func appendNull() {
        buffer.append(UInt8(ascii: "\\"))
        buffer.append(UInt8(ascii: "N"))
    }

    /// COPY text format: backslash, tab, newline and carriage return escaped; most values need none and are
    /// appended whole.
    @inlinable static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) {
        func needsEscape(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
                || byte == UInt8(ascii: "\r")
        }
        guard bytes.contains(where: needsEscape) else {
            buffer.append(contentsOf: bytes)
            return
        }
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\\"): buffer.append(contentsOf: [92, 92])
            case UInt8(ascii: "\t"): buffer.append(contentsOf: [92, UInt8(ascii: "t")])
            case UInt8(ascii: "\n"): buffer.append(contentsOf: [92, UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): buffer.append(contentsOf: [92, UInt8(ascii: "r")])
            default: buffer.append(byte)
            }
        }
    }

    @usableFromInline mutating func flush() throws {
        guard failure == nil, !buffer.isEmpty else { return }
        let handle = handle
        let sent = buffer.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { PQputCopyData(handle, $0.baseAddress, Int32($0.count)) }
        }
        buffer.removeAll(keepingCapacity: true)
        if sent != 1 {
            failure = String(cString: PQerrorMessage(handle))
            throw CopyAborted()
        }
    }

    fileprivate struct CopyAborted: Error {}
}

extension PostgresConnection {
    /// Bulk-loads rows with `COPY … FROM STDIN` in text format, written by `write` (`field` per column, `endRow`
    /// per row); returns the number of rows the server stored. An error thrown by `write` ends the COPY with that
    /// error (the server stores none of its rows) and is rethrown.
    @discardableResult
    public func copyIn(_ sql: String, write: (inout CopyRowWriter) throws -> Void) throws -> Int {
        try withHandle { handle in
            guard let start = PQexec(handle, sql) else { throw connectionError(sql: sql) }
            let status = PQresultStatus(start)
            if status != PGRES_COPY_IN {
                defer { PQclear(start) }
                throw error(from: start, sql: sql)
            }
            PQclear(start)

            var writer = CopyRowWriter(handle: handle)
            var thrown: (any Error)?
            do {
                try write(&writer)
                try writer.flush()
            } catch is CopyRowWriter.CopyAborted {
            } catch {
                thrown = error
                writer.failure = writer.failure ?? "aborted by the client: \(error)"
            }
            PQputCopyEnd(handle, writer.failure)

            var stored = 0
            var firstError: PostgresError?
            while let result = PQgetResult(handle) {
                if PQresultStatus(result) == PGRES_COMMAND_OK {
                    stored = Int(String(cString: PQcmdTuples(result))) ?? 0
                } else if firstError == nil {
                    firstError = error(from: result, sql: sql)
                }
                PQclear(result)
            }
            if let thrown { throw thrown }
            if let firstError { throw firstError }
            if let failure = writer.failure { throw PostgresError(code: .copy, message: failure, statement: sql) }
            return stored
        }
    }

    /// `copyIn` of rows given as one optional string per column (`nil` for NULL).
    @discardableResult
    public func copyIn<Rows: Sequence>(_ sql: String, rows: Rows) throws -> Int where Rows.Element == [String?] {
        try copyIn(sql) { writer in
            for row in rows {
                for value in row { writer.field(value) }
                try writer.endRow()
            }
        }
    }
}
