/// Reads one scalar of UTF-8 (the document's bytes, the gazetteer's CSVs).
enum UTF8Reader {
    /// The scalar starting at `k` and its length in bytes; nil at `end` or when the sequence is cut off by it.
    @inline(__always) static func scalar(_ bytes: UnsafeBufferPointer<UInt8>, at k: Int, end: Int) -> (UInt32, Int)? {
        guard k < end else { return nil }
        let b = UInt32(bytes[k])
        if b < 0x80 { return (b, 1) }
        if b < 0xE0, k + 1 < end { return ((b & 0x1F) << 6 | UInt32(bytes[k + 1] & 0x3F), 2) }
        if b < 0xF0, k + 2 < end {
            return ((b & 0x0F) << 12 | UInt32(bytes[k + 1] & 0x3F) << 6 | UInt32(bytes[k + 2] & 0x3F), 3)
        }
        guard k + 3 < end else { return nil }
        let value =
            (b & 0x07) << 18 | UInt32(bytes[k + 1] & 0x3F) << 12 | UInt32(bytes[k + 2] & 0x3F) << 6
            | UInt32(bytes[k + 3] & 0x3F)
        return (value, 4)
    }
}
