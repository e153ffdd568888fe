import Foundation
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
        var ordinals: [UTF8Key: Int] = [:]
        self.facts.reserveCapacity(facts.count)
        for index in facts.indices {
            let fact = facts[index]
            let ordinal: Int
            // A sentence's facts mostly follow each other: the previous one is compared before any hashing.
            if let last = self.facts.last, Self.sameBytes(sentences[last.sentence], fact.sentence) {
                ordinal = last.sentence
            } else if let known = ordinals[UTF8Key(fact.sentence)] {
                ordinal = known
            } else {
                ordinal = sentences.count
                ordinals[UTF8Key(fact.sentence)] = ordinal
                sentences.append(fact.sentence)
            }
            let length = (fact.span.last ?? 0) - (fact.span.first ?? 0)
            let offset =
                fact.evidence.unicodeScalars.count == length ? Self.offset(of: fact.evidence, in: fact.sentence) : nil
            self.facts.append((ordinal, offset))
        }
    }

    /// Where `evidence` first starts in `sentence`, in Unicode scalars. A match of whole UTF-8 sequences starts on a
    /// scalar's first byte, so counting the bytes before it that start a scalar converts it.
    static func offset(of evidence: String, in sentence: String) -> Int? {
        var evidence = evidence
        var sentence = sentence
        return sentence.withUTF8 { haystack in
            evidence.withUTF8 { needle -> Int? in
                guard !needle.isEmpty, needle.count <= haystack.count else { return needle.isEmpty ? 0 : nil }
                for start in 0...(haystack.count - needle.count)
                where haystack[start] == needle[0]
                    && memcmp(haystack.baseAddress! + start, needle.baseAddress!, needle.count) == 0
                {
                    return haystack[..<start].reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
                }
                return nil
            }
        }
    }

    private static func sameBytes(_ a: String, _ b: String) -> Bool {
        var a = a
        var b = b
        return a.withUTF8 { a in
            b.withUTF8 { b in
                guard a.count == b.count, let x = a.baseAddress, let y = b.baseAddress else {
                    return a.count == b.count
                }
                return memcmp(x, y, a.count) == 0
            }
        }
    }

    /// A string compared and hashed as its UTF-8 bytes, hashed in one call (an array of bytes hashes byte by byte).
    private struct UTF8Key: Hashable {
        let text: String

        init(_ text: String) { self.text = text }

        static func == (a: Self, b: Self) -> Bool { FactProse.sameBytes(a.text, b.text) }

        func hash(into hasher: inout Hasher) {
            var text = text
            text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
    }
}
