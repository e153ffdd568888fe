import CLibPQ
import Foundation

extension PostgresConnection {
    /// Bulk-loads rows with `COPY … FROM STDIN` in text format; returns the number of rows the server stored.
    ///
    /// `sql` is the COPY statement (`COPY t (a, b) FROM STDIN`); each row holds one value per listed column,
    /// `nil` for NULL. Values are escaped here, so any text (tabs, newlines, backslashes) round-trips.
    @discardableResult
    public func copyIn<Rows: Sequence>(_ sql: String, rows: Rows) throws -> Int where Rows.Element == [String?] {
        try withHandle { handle in
            guard let start = PQexec(handle, sql) else { throw connectionError(sql: sql) }
            let status = PQresultStatus(start)
            if status != PGRES_COPY_IN {
                defer { PQclear(start) }
                throw error(from: start, sql: sql)
            }
            PQclear(start)

            var buffer = [UInt8]()
            buffer.reserveCapacity(1 << 16)
            var failure: String?
            func flush() {
                guard failure == nil, !buffer.isEmpty else { return }
                let sent = buffer.withUnsafeBufferPointer { bytes in
                    bytes.withMemoryRebound(to: CChar.self) { PQputCopyData(handle, $0.baseAddress, Int32($0.count)) }
                }
                if sent != 1 { failure = String(cString: PQerrorMessage(handle)) }
                buffer.removeAll(keepingCapacity: true)
            }
            for row in rows {
                for (index, value) in row.enumerated() {
                    if index > 0 { buffer.append(UInt8(ascii: "\t")) }
                    Self.appendCopyText(value, to: &buffer)
                }
                buffer.append(UInt8(ascii: "\n"))
                if buffer.count >= 1 << 16 { flush() }
                if failure != nil { break }
            }
            flush()
            PQputCopyEnd(handle, failure)

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
            if let firstError { throw firstError }
            if let failure { throw PostgresError(code: .copy, message: failure, statement: sql) }
            return stored
        }
    }

    private static func needsCopyEscape(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
            || byte == UInt8(ascii: "\r")
    }

    /// COPY text format: `\N` for NULL; backslash, tab, newline and carriage return escaped.
    static func appendCopyText(_ value: String?, to buffer: inout [UInt8]) {
        guard var text = value else {
            buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "N")])
            return
        }
        text.withUTF8 { bytes in
            // Most values need no escape: append them whole.
            guard bytes.contains(where: Self.needsCopyEscape) else {
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
    }
}
