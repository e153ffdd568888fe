import ZhibiaoFacts

/// A document's prose as stored (migration 0009): each distinct sentence once, numbered in the order of its first
/// fact, and for each fact its sentence's number and where its evidence starts in it — in characters (Unicode
/// scalars), as PostgreSQL's `substr` counts them. An evidence that is not its sentence's `span`-long substring has no
/// offset, and is stored whole.
struct FactProse {
    private(set) var sentences: [String] = []
    private(set) var facts: [(sentence: Int, evidenceOffset: Int?)] = []

    init(_ facts: [Fact]) {
        // Keyed by bytes: String equality is canonical equivalence; two sentences written differently stay two.
        var ordinals: [[UInt8]: Int] = [:]
        self.facts.reserveCapacity(facts.count)
        for fact in facts {
            let key = Array(fact.sentence.utf8)
            let ordinal: Int
            if let known = ordinals[key] {
                ordinal = known
            } else {
                ordinal = sentences.count
                ordinals[key] = ordinal
                sentences.append(fact.sentence)
            }
            let length = (fact.span.last ?? 0) - (fact.span.first ?? 0)
            let offset = fact.evidence.unicodeScalars.count == length ? Self.offset(of: fact.evidence, in: key) : nil
            self.facts.append((ordinal, offset))
        }
    }

    /// Where `evidence` first starts in `sentence` (its UTF-8 bytes), in Unicode scalars. A match of whole UTF-8
    /// sequences starts on a scalar's first byte, so counting the bytes before it that start a scalar converts it.
    static func offset(of evidence: String, in sentence: [UInt8]) -> Int? {
        let needle = Array(evidence.utf8)
        guard !needle.isEmpty, needle.count <= sentence.count else { return needle.isEmpty ? 0 : nil }
        for start in 0...(sentence.count - needle.count)
        where sentence[start] == needle[0] && sentence[start..<(start + needle.count)].elementsEqual(needle) {
            return sentence[..<start].reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
        }
        return nil
    }
}
