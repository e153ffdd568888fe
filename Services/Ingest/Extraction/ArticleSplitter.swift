/// Splits a document into lines, sentences and articles. A newspaper page (two or more datelines such as
/// "本报讯(记者 …)" or "本报深圳专电") holds several articles: each starts at a block of headline lines followed by
/// body text, and gets its own subject region and year. Anything else is one article.
struct DocumentLayout: Sendable {
    struct Line: Sendable {
        var range: Range<Int>
        /// Headlines, section headings, captions: short lines that do not end a sentence.
        var isHeading: Bool
    }

    struct Article: Sendable {
        var range: Range<Int>
        var lines: Range<Int>
    }

    var lines: [Line] = []
    var articles: [Article] = []
    /// Sentence ranges (split at 。!?; and line ends), in order.
    var sentences: [Range<Int>] = []

    static let headingMaximum = 60
    static let dateline = "本报".scalarValues

    init(_ s: [UInt32]) {
        var start = 0
        for i in 0...s.count where i == s.count || s[i] == 0x0A {
            if i > start { lines.append(Line(range: start..<i, isHeading: Self.isHeading(s, start..<i))) }
            start = i + 1
        }
        for line in lines {
            var sentenceStart = line.range.lowerBound
            for i in line.range where Self.endsSentence(s[i]) {
                if i + 1 > sentenceStart { sentences.append(sentenceStart..<(i + 1)) }
                sentenceStart = i + 1
            }
            if sentenceStart < line.range.upperBound { sentences.append(sentenceStart..<line.range.upperBound) }
        }
        let datelines = lines.filter { Self.isDateline(s, $0.range) }.count
        var starts = [0]
        if datelines >= 2 {
            var k = 1
            while k < lines.count {
                // A run of headings followed by body text opens a new article.
                if lines[k].isHeading && !lines[k - 1].isHeading {
                    var end = k
                    while end < lines.count && lines[end].isHeading { end += 1 }
                    if end < lines.count { starts.append(k) }
                    k = end
                } else {
                    k += 1
                }
            }
        }
        for (n, first) in starts.enumerated() {
            let last = n + 1 < starts.count ? starts[n + 1] : lines.count
            guard first < last else { continue }
            articles.append(
                Article(range: lines[first].range.lowerBound..<lines[last - 1].range.upperBound, lines: first..<last))
        }
        if articles.isEmpty { articles.append(Article(range: 0..<s.count, lines: 0..<lines.count)) }
    }

    static func endsSentence(_ c: UInt32) -> Bool {
        c == 0x3002 || c == 0x21 || c == 0x3F || c == 0x3B
    }

    static func isHeading(_ s: [UInt32], _ range: Range<Int>) -> Bool {
        var r = range
        while r.lowerBound < r.upperBound && s[r.lowerBound] == 0x20 { r = (r.lowerBound + 1)..<r.upperBound }
        while r.lowerBound < r.upperBound && s[r.upperBound - 1] == 0x20 { r = r.lowerBound..<(r.upperBound - 1) }
        guard !r.isEmpty else { return false }
        if s[r.lowerBound] == 0x23 { return true }  // '#'
        guard r.count <= headingMaximum else { return false }
        if s[r].contains(0x3002) { return false }
        switch s[r.upperBound - 1] {
        case 0x2C, 0x3001, 0x3A, 0x3B, 0xFF0C: return false
        default: return true
        }
    }

    /// "本报讯(…)" or "本报X专电/电(…)".
    static func isDateline(_ s: [UInt32], _ range: Range<Int>) -> Bool {
        guard ScalarSearch.hasPrefix(s[range], dateline) else { return false }
        let head = s[range].prefix(10)
        return head.contains(0x8BAF) || head.contains(0x7535)  // 讯 电
    }

    func line(containing position: Int) -> Line? {
        var lo = 0, hi = lines.count - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            if lines[mid].range.upperBound <= position { lo = mid + 1 } else if lines[mid].range.lowerBound > position {
                hi = mid - 1
            } else { return lines[mid] }
        }
        return nil
    }
}
