extension RandomAccessCollection where Index == Int {
    /// The first index whose element is not `before`, in a collection where every element that is comes first (a
    /// binary search: positions, ranges and codes in the engine's sorted arrays).
    func partition(_ before: (Element) -> Bool) -> Int {
        var lo = startIndex
        var hi = endIndex
        while lo < hi {
            let mid = (lo + hi) / 2
            if before(self[mid]) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The elements of a sorted collection from the first not `before` to the first not `within` after it.
    func run(from before: (Element) -> Bool, while within: (Element) -> Bool) -> SubSequence {
        let lo = partition(before)
        var hi = lo
        while hi < endIndex, within(self[hi]) { hi += 1 }
        return self[lo..<hi]
    }
}
