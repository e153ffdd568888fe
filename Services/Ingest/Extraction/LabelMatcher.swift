import ZhibiaoModels

/// Finds indicator names in the short stretch of text before (or right after) a number. A trie over the names'
/// scalars walked from each position: cheap enough to run for every quantity of a 10 MB input.
struct LabelMatcher: Sendable {
    struct Match: Sendable {
        /// Indices into the searched array.
        var range: Range<Int>
        var indicator: Int
    }

    private struct Node: Sendable {
        var next: [UInt32: Int32] = [:]
        var indicator: Int32 = -1
    }

    private var nodes: [Node] = [Node()]

    init(_ indicators: [IndicatorTaxonomy.Indicator]) {
        for (index, indicator) in indicators.enumerated() {
            for name in indicator.names { insert(Self.stripQuotes(name.scalarValues), Int32(index)) }
        }
    }

    private mutating func insert(_ key: [UInt32], _ indicator: Int32) {
        guard !key.isEmpty else { return }
        var node = 0
        for c in key {
            if let next = nodes[node].next[c] {
                node = Int(next)
            } else {
                nodes.append(Node())
                nodes[node].next[c] = Int32(nodes.count - 1)
                node = nodes.count - 1
            }
        }
        if nodes[node].indicator < 0 { nodes[node].indicator = indicator }
    }

    /// Every name occurrence in `s[range]`.
    func matches(_ s: [UInt32], _ range: Range<Int>) -> [Match] {
        var result: [Match] = []
        for start in range {
            var node = 0
            var i = start
            if Self.isQuote(s[start]) { continue }
            while i < range.upperBound {
                if node != 0 && Self.isQuote(s[i]) {  // “专精特新”企业 matches 专精特新企业
                    i += 1
                    continue
                }
                guard let next = nodes[node].next[s[i]] else { break }
                node = Int(next)
                i += 1
                if nodes[node].indicator >= 0 {
                    result.append(Match(range: start..<i, indicator: Int(nodes[node].indicator)))
                }
            }
        }
        return result
    }

    func exact(_ key: [UInt32]) -> Int? {
        var node = 0
        for c in Self.stripQuotes(key) {
            guard let next = nodes[node].next[c] else { return nil }
            node = Int(next)
        }
        return nodes[node].indicator >= 0 ? Int(nodes[node].indicator) : nil
    }

    static func isQuote(_ c: UInt32) -> Bool {
        switch c {
        case 0x201C, 0x201D, 0x2018, 0x2019, 0x22, 0x27, 0x300C, 0x300D, 0x300E, 0x300F, 0x300A, 0x300B: return true
        default: return false
        }
    }

    static func stripQuotes(_ s: [UInt32]) -> [UInt32] { s.filter { !isQuote($0) } }
}
