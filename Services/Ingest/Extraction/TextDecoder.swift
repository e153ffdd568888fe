import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Turns raw bytes into text. Chinese government files come as UTF-8 (with or without BOM), GB18030/GBK (still very
/// common) or UTF-16 with a BOM; anything else is refused with an error naming the file rather than decoded into
/// mojibake or silently dropped.
public enum TextDecoder {
    public enum Encoding: String, Sendable {
        case utf8, utf16LE, utf16BE, gb18030
    }

    /// Decodes `bytes`; `name` only labels the error.
    public static func decode(_ bytes: [UInt8], name: String) throws -> (text: String, encoding: Encoding) {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            if let text = utf8(bytes[3...]) { return (text, .utf8) }
            throw ExtractionError(.undecodable, file: name, detail: "invalid UTF-8 after a UTF-8 byte order mark")
        }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            let little = bytes[0] == 0xFF
            if let text = utf16(bytes[2...], littleEndian: little) { return (text, little ? .utf16LE : .utf16BE) }
            throw ExtractionError(.undecodable, file: name, detail: "invalid UTF-16 after a byte order mark")
        }
        if let text = utf8(bytes[...]) { return (text, .utf8) }
        if let text = gb18030(bytes) { return (text, .gb18030) }
        throw ExtractionError(.undecodable, file: name, detail: "not valid UTF-8, UTF-16 (with BOM) or GB18030 text")
    }

    /// Valid UTF-8 as a string, nil otherwise: the standard library validates and copies in one pass.
    static func utf8(_ bytes: ArraySlice<UInt8>) -> String? { String(validating: bytes, as: UTF8.self) }

    static func utf16(_ bytes: ArraySlice<UInt8>, littleEndian: Bool) -> String? {
        guard bytes.count % 2 == 0 else { return nil }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let a = UInt16(bytes[index])
            let b = UInt16(bytes[index + 1])
            units.append(littleEndian ? a | b << 8 : a << 8 | b)
            index += 2
        }
        var scalars = String.UnicodeScalarView()
        var decoder = UTF16()
        var iterator = units.makeIterator()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): scalars.append(scalar)
            case .emptyInput: return String(scalars)
            case .error: return nil
            }
        }
    }

    /// GB18030 (a superset of GBK and GB2312) through the C library's iconv; nil when the bytes are not valid GB18030.
    static func gb18030(_ bytes: [UInt8]) -> String? {
        guard !bytes.isEmpty else { return "" }
        guard let cd = iconv_open("UTF-8", "GB18030"), cd != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(cd) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: bytes.count * 2 + 16)
        let capacity = output.count
        let remaining: Int? = input.withUnsafeMutableBytes { inBuf in
            output.withUnsafeMutableBytes { outBuf in
                var inPtr = inBuf.baseAddress?.assumingMemoryBound(to: CChar.self)
                var inLeft = inBuf.count
                var outPtr = outBuf.baseAddress?.assumingMemoryBound(to: CChar.self)
                var outLeft = outBuf.count
                let result = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                return result == -1 || inLeft != 0 ? nil : outLeft
            }
        }
        guard let remaining else { return nil }
        return utf8(output[..<(capacity - remaining)])
    }
}
