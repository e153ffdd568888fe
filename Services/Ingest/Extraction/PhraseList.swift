/// A list of phrases (scalar arrays) matched against normalized text, longest first, each with an optional value
/// from the lexicon (a qualifier, a year offset, a suffix …). Phrases are grouped by their first scalar, so a test
/// at a position only tries the phrases that can start there.
struct PhraseList: Sendable {
    struct Phrase: Sendable {
        let scalars: [UInt32]
        let value: String
    }

    /// Longest first; equal lengths keep the file's order.
    let phrases: [Phrase]
    private let firsts: ScalarSet
    private let lasts: ScalarSet

    init(_ phrases: [Phrase]) {
        self.phrases = phrases.enumerated().sorted {
            ($0.element.scalars.count, -$0.offset) > ($1.element.scalars.count, -$1.offset)
        }.map(\.element)
        self.firsts = ScalarSet(phrases.compactMap(\.scalars.first))
        self.lasts = ScalarSet(phrases.compactMap(\.scalars.last))
    }

    /// The longest phrase starting at `i` and ending by `end`.
    @inline(__always) func match(_ s: [UInt32], at i: Int, end: Int) -> Phrase? {
        guard i < end, firsts.contains(s[i]) else { return nil }
        for p in phrases where i + p.scalars.count <= end && s[i] == p.scalars[0] {
            var k = 1
            while k < p.scalars.count, s[i + k] == p.scalars[k] { k += 1 }
            if k == p.scalars.count { return p }
        }
        return nil
    }

    /// The longest phrase ending just before `end` and starting at or after `start`.
    @inline(__always) func match(_ s: [UInt32], endingAt end: Int, start: Int) -> Phrase? {
        guard end > start, lasts.contains(s[end - 1]) else { return nil }
        for p in phrases where end - p.scalars.count >= start && s[end - 1] == p.scalars[p.scalars.count - 1] {
            if s[(end - p.scalars.count)..<end].elementsEqual(p.scalars) { return p }
        }
        return nil
    }

    /// Position and phrase of the first occurrence in `s[range]`.
    func firstMatch(_ s: [UInt32], in range: Range<Int>) -> (at: Int, phrase: Phrase)? {
        for i in range { if let p = match(s, at: i, end: range.upperBound) { return (i, p) } }
        return nil
    }

    /// Position and phrase of the last occurrence in `s[range]`.
    func lastMatch(_ s: [UInt32], in range: Range<Int>) -> (at: Int, phrase: Phrase)? {
        for i in range.reversed() { if let p = match(s, at: i, end: range.upperBound) { return (i, p) } }
        return nil
    }

    func occurs(_ s: [UInt32], in range: Range<Int>) -> Bool { firstMatch(s, in: range) != nil }

    /// Whether `s[range]` says nothing but these phrases (and characters `ignoring` accepts): every position is
    /// covered by an occurrence, matched left to right, longest first.
    func covers(_ s: [UInt32], _ range: Range<Int>, ignoring ignored: (UInt32) -> Bool) -> Bool {
        var i = range.lowerBound
        while i < range.upperBound {
            if let p = match(s, at: i, end: range.upperBound) {
                i += p.scalars.count
            } else if ignored(s[i]) {
                i += 1
            } else {
                return false
            }
        }
        return true
    }

    /// Every scalar of every phrase, as a set (for lists of single characters).
    var characters: ScalarSet { ScalarSet(phrases.flatMap(\.scalars)) }

    static func + (a: PhraseList, b: PhraseList) -> PhraseList { PhraseList(a.phrases + b.phrases) }
}
