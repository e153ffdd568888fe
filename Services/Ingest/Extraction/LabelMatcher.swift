import ZhibiaoFacts

/// Finds indicator names in the short stretch of text before (or right after) a number. A trie over the names'
/// scalars walked from each position: cheap enough to run for every quantity of a 10 MB input. A name may hold a gap
/// ("重点…项目"): up to `maximumGap` Han characters of modifiers between its two parts (亿元以上).
struct LabelMatcher: Sendable {
    struct Match: Sendable {
        /// Indices into the searched array.
        var range: Range<Int>
        var indicator: Int
        /// Which name matched (its attributes: a unit class of its own, fallback).
        var name: IndicatorTaxonomy.Name
    }

    private struct Node: Sendable {
        var next: [UInt32: Int32] = [:]
        /// The node a gap leads to (the name's part after "…"), -1 when none.
        var gap: Int32 = -1
        /// Index into `names`, -1 when no name ends here.
        var name: Int32 = -1
    }

    static let maximumGap = 4
    static let gapMark = "…".unicodeScalars.first!.value

    private var nodes: [Node] = [Node()]
    private let names: [IndicatorTaxonomy.Name]

    init(_ names: [IndicatorTaxonomy.Name]) {
        self.names = names
        for (index, name) in names.enumerated() { insert(Self.stripQuotes(name.text.scalarValues), Int32(index)) }
    }

    private mutating func insert(_ key: [UInt32], _ name: Int32) {
        guard !key.isEmpty else { return }
        var node = 0
        for c in key {
            if c == Self.gapMark {
                if nodes[node].gap < 0 {
                    nodes.append(Node())
                    nodes[node].gap = Int32(nodes.count - 1)
                }
                node = Int(nodes[node].gap)
            } else if let next = nodes[node].next[c] {
                node = Int(next)
            } else {
                nodes.append(Node())
                nodes[node].next[c] = Int32(nodes.count - 1)
                node = nodes.count - 1
            }
        }
        if nodes[node].name < 0 { nodes[node].name = name }
    }

    /// Every name occurrence in `s[range]`.
    func matches(_ s: [UInt32], _ range: Range<Int>) -> [Match] {
        var result: [Match] = []
        for start in range where !Self.isQuote(s[start]) {
            walk(s, from: start, node: 0, at: start, end: range.upperBound, into: &result)
        }
        return result
    }

    private func walk(
        _ s: [UInt32], from start: Int, node start0: Int, at i0: Int, end: Int, into result: inout [Match]
    ) {
        var node = start0
        var i = i0
        while true {
            if nodes[node].gap >= 0 {
                // Modifiers: one to `maximumGap` Han characters, then the rest of the name (zero is the plain path).
                var k = i
                while k < end, k - i < Self.maximumGap, Scalar.isHan(s[k]) {
                    k += 1
                    walk(s, from: start, node: Int(nodes[node].gap), at: k, end: end, into: &result)
                }
                walkGapless(s, from: start, node: Int(nodes[node].gap), at: i, end: end, into: &result)
            }
            guard i < end else { return }
            if node != 0 && Self.isQuote(s[i]) {  // “专精特新”企业 matches 专精特新企业
                i += 1
                continue
            }
            guard let next = nodes[node].next[s[i]] else { return }
            node = Int(next)
            i += 1
            if nodes[node].name >= 0 { record(node, start..<i, into: &result) }
        }
    }

    /// The part after a gap, taken with no modifiers in between ("重点项目" through "重点…项目").
    private func walkGapless(_ s: [UInt32], from start: Int, node: Int, at i: Int, end: Int, into result: inout [Match])
    {
        var node = node
        var i = i
        while i < end, let next = nodes[node].next[s[i]] {
            node = Int(next)
            i += 1
            if nodes[node].name >= 0 { record(node, start..<i, into: &result) }
        }
    }

    private func record(_ node: Int, _ range: Range<Int>, into result: inout [Match]) {
        let name = names[Int(nodes[node].name)]
        result.append(Match(range: range, indicator: name.indicator, name: name))
    }

    /// The name spelled exactly `key` (quotes ignored), if any; gaps are not expanded.
    func exact(_ key: [UInt32]) -> IndicatorTaxonomy.Name? {
        var node = 0
        for c in Self.stripQuotes(key) {
            guard let next = nodes[node].next[c] else { return nil }
            node = Int(next)
        }
        return nodes[node].name >= 0 ? names[Int(nodes[node].name)] : nil
    }

    static func isQuote(_ c: UInt32) -> Bool {
        switch c {
        case 0x201C, 0x201D, 0x2018, 0x2019, 0x22, 0x27, 0x300C, 0x300D, 0x300E, 0x300F, 0x300A, 0x300B: return true
        default: return false
        }
    }

    static func stripQuotes(_ s: [UInt32]) -> [UInt32] { s.filter { !isQuote($0) } }
}
