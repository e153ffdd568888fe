/// The decoded text prepared for matching: characters folded (`CharacterFolding`: full-width to ASCII, traditional to
/// simplified), zero-width characters dropped, PDF/print line breaks inside sentences joined, web-page residue (`|`,
/// 上一篇, 版权声明 …) blanked. Every normalized scalar remembers the index of the
/// scalar it came from, so evidence and spans are always cut from the decoded original.
struct NormalizedText: Sendable {
    /// The decoded document. Evidence is cut from its own UTF-8 bytes: a copy as scalars would cost four bytes per
    /// character of a large input.
    let text: String
    /// UTF-8 offset of every `checkpointStride`-th scalar (spans count scalars), to find any scalar's bytes with a
    /// short walk from the checkpoint before it.
    let checkpoints: [Int32]
    static let checkpointStride = 64
    /// Number of scalars in `text`.
    let scalarCount: Int
    /// Normalized scalar values used by all the matchers.
    let scalars: [UInt32]
    /// For each normalized scalar, the index of its source scalar in `text`.
    let origin: [Int32]

    /// A line at least this long that does not end a sentence was broken by layout, not by the author.
    static let brokenLineMinimum = 30

    init(_ text: String, folding: CharacterFolding, residue: PhraseList) {
        var text = text
        text.makeContiguousUTF8()  // a no-op for native strings; evidence reads the bytes in place
        self.text = text
        var joiner = LineJoiner(residue: residue)
        var checkpoints: [Int32] = []
        var count = 0
        _ = text.utf8.withContiguousStorageIfAvailable { bytes in
            count = bytes.reduce(0) { $0 + ($1 & 0xC0 != 0x80 ? 1 : 0) }
            joiner.values.reserveCapacity(count)
            joiner.origin.reserveCapacity(count)
            checkpoints.reserveCapacity(count / Self.checkpointStride + 1)
            // Scalars decoded straight from the bytes (the String is valid UTF-8): no iterator per scalar.
            var offset = 0
            var index = 0
            while let (scalar, width) = UTF8Reader.scalar(bytes, at: offset, end: bytes.count) {
                if index % Self.checkpointStride == 0 { checkpoints.append(Int32(offset)) }
                joiner.add(folding.fold(scalar), from: Int32(index))
                offset += width
                index += 1
            }
            if index % Self.checkpointStride == 0 { checkpoints.append(Int32(offset)) }  // the end, when on a stride
        }
        joiner.endLine()
        self.checkpoints = checkpoints
        self.scalarCount = count
        self.scalars = joiner.values
        self.origin = joiner.origin
    }

    /// Builds the normalized scalars line by line: each line is folded into a reused buffer, then dropped (blank,
    /// web residue), joined to the previous line (a layout break mid-sentence) or appended after a newline. Only
    /// one line is buffered, not a folded copy of the whole document.
    private struct LineJoiner {
        /// Navigation and copyright lines of web pages (上一篇, 版权所有 …): not content.
        let residue: PhraseList
        var values: [UInt32] = []
        var origin: [Int32] = []
        var line: [UInt32] = []
        var lineOrigin: [Int32] = []
        var previousNonBlank: (length: Int, last: UInt32, prose: Bool)? = nil

        mutating func add(_ value: UInt32, from index: Int32) {
            if value == 0x0A || value == 0x7C {  // newline, or '|' from HTML tables
                endLine()
            } else if !NormalizedText.invisible.contains(value) {
                line.append(value)
                lineOrigin.append(index)
            }
        }

        mutating func endLine() {
            defer {
                line.removeAll(keepingCapacity: true)
                lineOrigin.removeAll(keepingCapacity: true)
            }
            let trimmed = NormalizedText.trim(line[...])
            if trimmed.isEmpty || isResidue(line[...]) { return }
            if let previous = previousNonBlank {
                // Headlines (no sentence punctuation, or a markdown '#') are never continued.
                let joined =
                    previous.length >= NormalizedText.brokenLineMinimum
                    && !NormalizedText.completesLine(previous.last) && previous.prose && trimmed.first != 0x23
                if !joined {
                    values.append(0x0A)
                    origin.append(max(0, lineOrigin[0] - 1))
                }
            }
            values.append(contentsOf: line)
            origin.append(contentsOf: lineOrigin)
            let prose = trimmed.first != 0x23 && trimmed.contains { $0 == 0x3002 || $0 == 0x2C || $0 == 0xFF0C }
            previousNonBlank = (trimmed.count, trimmed.last!, prose)
        }

        func isResidue(_ values: ArraySlice<UInt32>) -> Bool {
            values.count < 80 && residue.occurs(Array(values), in: 0..<values.count)
        }
    }

    /// Carriage returns, byte order marks and zero-width characters: dropped.
    static let invisible = ScalarSet([0x0D, 0xFEFF, 0x200B, 0x200C, 0x200D, 0x2060])

    static func trim(_ values: ArraySlice<UInt32>) -> ArraySlice<UInt32> {
        var slice = values
        while let first = slice.first, first == 0x20 { slice.removeFirst() }
        while let last = slice.last, last == 0x20 { slice.removeLast() }
        return slice
    }

    /// Whether a line ending in `value` is complete (a sentence end, a colon, a closing quote): the next line is not
    /// its continuation.
    static func completesLine(_ value: UInt32) -> Bool {
        switch value {
        case 0x3002, 0x21, 0x3F, 0x3B, 0x3A, 0x2026, 0x300D, 0x300F: return true  // 。 ! ? ; : … 」 』
        default: return false
        }
    }

    /// `[start, end)` in original scalars of the normalized range `range`.
    func originalRange(_ range: Range<Int>) -> Range<Int> {
        guard !range.isEmpty else {
            let at = range.lowerBound < origin.count ? Int(origin[range.lowerBound]) : scalarCount
            return at..<at
        }
        return Int(origin[range.lowerBound])..<(Int(origin[range.upperBound - 1]) + 1)
    }

    func originalString(_ range: Range<Int>) -> String {
        withBytes { bytes in
            Self.string(bytes, utf8Offset(range.lowerBound, bytes)..<utf8Offset(range.upperBound, bytes))
        }
    }

    /// Evidence for a normalized range: the original text, cut to the one line holding `anchor` when a joined line
    /// break falls inside (evidence is always a single-line substring).
    func evidence(_ range: Range<Int>, anchor: Int) -> (text: String, span: Range<Int>) {
        let span = originalRange(range)
        let anchorAt = Int(origin[min(max(anchor, range.lowerBound), range.upperBound - 1)])
        return withBytes { bytes in
            let lower = utf8Offset(span.lowerBound, bytes)
            let upper = utf8Offset(span.upperBound, bytes)
            let anchorByte = utf8Offset(anchorAt, bytes)
            // Line breaks are single ASCII bytes, so walking bytes stops exactly where walking scalars would.
            var start = anchorByte
            while start > lower, bytes[start - 1] != 0x0A, bytes[start - 1] != 0x0D { start -= 1 }
            var end = anchorByte
            while end < upper, bytes[end] != 0x0A, bytes[end] != 0x0D { end += 1 }
            let first = anchorAt - Self.scalarCount(bytes, start..<anchorByte)
            let last = anchorAt + Self.scalarCount(bytes, anchorByte..<end)
            return (Self.string(bytes, start..<end), first..<last)
        }
    }

    private func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        text.utf8.withContiguousStorageIfAvailable(body)!
    }

    /// UTF-8 offset of the scalar at index `scalar` (or of the end).
    private func utf8Offset(_ scalar: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var offset = Int(checkpoints[scalar / Self.checkpointStride])
        for _ in 0..<(scalar % Self.checkpointStride) {
            let lead = bytes[offset]
            offset += lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        }
        return offset
    }

    private static func scalarCount(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int {
        bytes[range].reduce(0) { $0 + ($1 & 0xC0 != 0x80 ? 1 : 0) }
    }

    private static func string(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }
}
