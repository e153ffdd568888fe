/// Splits a document into lines, sentences, sections and articles.
///
/// A newspaper page (two or more datelines such as "本报讯(记者 …)" or "本报深圳专电") holds several articles: each
/// starts at a block of headline lines followed by body text, and gets its own subject region and year. Anything else
/// is one article. A work report's numbered parts ("一、2018年工作回顾", "二、2019年工作安排") are sections; a part
/// whose heading names a plan makes its figures targets.
struct DocumentLayout: Sendable {
    struct Line: Sendable {
        var range: Range<Int>
        /// Headlines, section headings, captions: short lines that do not end a sentence.
        var isHeading: Bool
    }

    struct Article: Sendable {
        var range: Range<Int>
        var lines: Range<Int>
        /// The headline: the article's first line when it is a heading.
        var titleLine: Int?
        /// "本报讯(记者 …)", "人民网安阳1月17日专电": the first line of the body when it opens that way.
        var datelineLine: Int?
    }

    /// A numbered top-level part of a report, from its heading to the next one.
    struct Section: Sendable {
        var range: Range<Int>
        /// The heading names a plan (工作安排, 主要目标 …): the section's figures are targets.
        var isPlan: Bool
    }

    var lines: [Line] = []
    var articles: [Article] = []
    var sections: [Section] = []
    /// Sentence ranges (split at 。!?; and line ends), in order.
    var sentences: [Range<Int>] = []

    static let headingMaximum = 60
    /// A sentence longer than this is cut, at a comma where one is near: no real sentence is this long, and every
    /// rule's work per sentence stays bounded (a 10 MB line without punctuation is read in linear time).
    static let sentenceMaximum = 600
    /// How far back from the cut a comma is looked for.
    static let cutReach = 200
    static let softEnds = ScalarSet(",:、")
    static let sentenceEnds = ScalarSet("。!?;")
    static let dateline = "本报".scalarValues
    /// 讯 and 电 close a dateline (本报讯, 新华社北京3月5日电, 专电).
    static let datelineEnds = ScalarSet("讯电")
    static let sectionNumerals = ScalarSet("一二三四五六七八九十")

    init(_ s: [UInt32], planHeadings: PhraseList) {
        var start = 0
        for i in 0...s.count where i == s.count || s[i] == Scalar.newline {
            if i > start { lines.append(Line(range: start..<i, isHeading: Self.isHeading(s, start..<i))) }
            start = i + 1
        }
        for line in lines {
            var sentenceStart = line.range.lowerBound
            for i in line.range where Self.sentenceEnds.contains(s[i]) {
                if i + 1 > sentenceStart { addSentence(s, sentenceStart..<(i + 1)) }
                sentenceStart = i + 1
            }
            if sentenceStart < line.range.upperBound { addSentence(s, sentenceStart..<line.range.upperBound) }
        }
        findArticles(s)
        findSections(s, planHeadings: planHeadings)
    }

    private mutating func addSentence(_ s: [UInt32], _ range: Range<Int>) {
        var start = range.lowerBound
        while range.upperBound - start > Self.sentenceMaximum {
            var cut = start + Self.sentenceMaximum
            if let comma = (cut - Self.cutReach..<cut).last(where: { Self.softEnds.contains(s[$0]) }) {
                cut = comma + 1
            }
            sentences.append(start..<cut)
            start = cut
        }
        sentences.append(start..<range.upperBound)
    }

    private mutating func findArticles(_ s: [UInt32]) {
        // A newspaper page: several of its own datelines, or one under a page mark ("第二版") near the top.
        let datelines = lines.filter { Self.isNewspaperDateline(s, $0.range) }.count
        let pageMark = lines.prefix(Self.mastheadLines).contains { $0.isHeading && Self.hasPageMark(s, $0.range) }
        var starts = [0]
        if datelines >= 2 || (datelines == 1 && pageMark) {
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
            let body = (first..<last).first { !lines[$0].isHeading }
            articles.append(
                Article(
                    range: lines[first].range.lowerBound..<lines[last - 1].range.upperBound, lines: first..<last,
                    titleLine: title(s, among: first..<(body ?? last)),
                    datelineLine: body.flatMap { Self.isDateline(s, lines[$0].range) ? $0 : nil }))
        }
        if articles.isEmpty {
            articles.append(Article(range: 0..<s.count, lines: 0..<lines.count, titleLine: nil, datelineLine: nil))
        }
    }

    /// The headline among an article's leading heading lines: the first of some length that is not a page mark or a
    /// line holding a date ("第A03版：综合新闻", "2022年04月15日", "发布时间:2021年02月02日").
    private func title(_ s: [UInt32], among candidates: Range<Int>) -> Int? {
        let eligible = candidates.filter { k in
            let r = Self.trimmed(s, lines[k].range)
            return !r.isEmpty && !ChineseNumber.isDigit(s[r.lowerBound])
                && !(s[r.lowerBound] == Scalar.ordinal && s[r].contains(Self.edition))
                && !r.contains { DocumentDate.date(s, at: $0, end: r.upperBound, shortYear: false) != nil }
        }
        return eligible.first { Self.trimmed(s, lines[$0].range).count >= Self.titleMinimum } ?? eligible.first
    }

    /// How many lines from the top a newspaper's masthead and page mark may take.
    static let mastheadLines = 3

    /// "第二版", "第A03版": 第, then within a few characters 版.
    static func hasPageMark(_ s: [UInt32], _ range: Range<Int>) -> Bool {
        range.contains { i in s[i] == Scalar.ordinal && s[(i + 1)..<min(range.upperBound, i + 6)].contains(edition) }
    }

    /// A kicker ("平江县：") is shorter than a headline: the first eligible line this long is the title.
    static let titleMinimum = 5

    /// 版, in a newspaper's page mark ("第A03版").
    static let edition: UInt32 = 0x7248

    /// Top-level numbered headings ("一、…", "第二部分…") open sections that run to the next one.
    private mutating func findSections(_ s: [UInt32], planHeadings: PhraseList) {
        let headings = lines.indices.filter { lines[$0].isHeading && Self.isNumberedHeading(s, lines[$0].range) }
        for (n, k) in headings.enumerated() {
            let end = n + 1 < headings.count ? lines[headings[n + 1]].range.lowerBound : s.count
            sections.append(
                Section(range: lines[k].range.lowerBound..<end, isPlan: planHeadings.occurs(s, in: lines[k].range)))
        }
    }

    static func isHeading(_ s: [UInt32], _ range: Range<Int>) -> Bool {
        let r = trimmed(s, range)
        guard !r.isEmpty else { return false }
        if s[r.lowerBound] == Scalar.hash { return true }
        guard r.count <= headingMaximum else { return false }
        if s[r].contains(Scalar.ideographicStop) { return false }
        switch s[r.upperBound - 1] {
        case Scalar.comma, Scalar.ideographicComma, Scalar.colon, Scalar.semicolon: return false
        default: return true
        }
    }

    /// "一、…", "十二、…", "第一部分…" at the start of the line.
    static func isNumberedHeading(_ s: [UInt32], _ range: Range<Int>) -> Bool {
        let r = trimmed(s, range)
        var i = r.lowerBound
        let ordinal = i < r.upperBound && s[i] == Scalar.ordinal
        if ordinal { i += 1 }
        let numerals = i
        while i < r.upperBound, sectionNumerals.contains(s[i]) { i += 1 }
        guard i > numerals, i < r.upperBound else { return false }
        return ordinal ? partWords.contains(s[i]) : s[i] == Scalar.ideographicComma
    }

    /// 第N部分, 第N章 …: a part heading (第N个, 第N次 are ordinals).
    static let partWords = ScalarSet("部章篇节")

    /// "本报讯(…)" or "本报X专电/电(…)": the datelines of a newspaper's own articles.
    static func isNewspaperDateline(_ s: [UInt32], _ range: Range<Int>) -> Bool {
        guard s[range].starts(with: dateline) else { return false }
        return s[range].prefix(10).contains { datelineEnds.contains($0) }
    }

    /// A newspaper's or an agency's dateline: 讯 or 电 within the first words, right before a bracket, a space or
    /// the body ("人民网安阳1月17日专电 …").
    static func isDateline(_ s: [UInt32], _ range: Range<Int>) -> Bool { datelineEnd(s, range) != nil }

    /// Where a line's dateline ends (after its 讯 or 电), if the line opens with one.
    static func datelineEnd(_ s: [UInt32], _ range: Range<Int>) -> Int? {
        let head = trimmed(s, range)
        for i in head.prefix(20) where datelineEnds.contains(s[i]) {
            let next = i + 1 < head.upperBound ? s[i + 1] : Scalar.space
            if next == Scalar.space || next == Scalar.openParen || next == Scalar.colon || Scalar.isHan(next) {
                let opens = s[head].starts(with: dateline) || s[head.lowerBound..<i].contains(Scalar.day)
                return opens ? i + 1 : nil
            }
        }
        return nil
    }

    /// The dateline alone at the start of its line: through its 讯 or 电 and the bracket right after it
    /// ("本报讯(记者 李明)"), without the body that follows on the same line.
    static func datelineRange(_ s: [UInt32], _ range: Range<Int>) -> Range<Int>? {
        guard var end = datelineEnd(s, range) else { return nil }
        if end < range.upperBound, s[end] == Scalar.openParen,
            let close = s[end..<min(range.upperBound, end + bracketReach)].firstIndex(of: Scalar.closeParen)
        {
            end = close + 1
        }
        return trimmed(s, range).lowerBound..<end
    }

    /// How far a dateline's bracket (the reporters' names) may run.
    static let bracketReach = 40

    /// Whether `range` lies in the dateline of its line (the place a report was filed from: "本报深圳专电").
    func isInDateline(_ range: Range<Int>, _ s: [UInt32]) -> Bool {
        guard let line = line(containing: range.lowerBound), let end = Self.datelineEnd(s, line.range) else {
            return false
        }
        return range.upperBound <= end
    }

    static func trimmed(_ s: [UInt32], _ range: Range<Int>) -> Range<Int> {
        var r = range
        while r.lowerBound < r.upperBound && s[r.lowerBound] == Scalar.space { r = (r.lowerBound + 1)..<r.upperBound }
        while r.lowerBound < r.upperBound && s[r.upperBound - 1] == Scalar.space {
            r = r.lowerBound..<(r.upperBound - 1)
        }
        return r
    }

    func line(containing position: Int) -> Line? {
        lineIndex(containing: position).map { lines[$0] }
    }

    func lineIndex(containing position: Int) -> Int? {
        let k = lines.partition { $0.range.upperBound <= position }
        return k < lines.count && lines[k].range.contains(position) ? k : nil
    }

    /// The lines inside `range` (an article's), as indices.
    func lineRange(of range: Range<Int>) -> Range<Int> {
        lines.run(from: { $0.range.lowerBound < range.lowerBound }, while: { $0.range.lowerBound < range.upperBound })
            .indices
    }

    /// The sentence holding `position`.
    func sentence(containing position: Int) -> Range<Int>? {
        let k = sentences.partition { $0.upperBound <= position }
        return k < sentences.count && sentences[k].contains(position) ? sentences[k] : nil
    }

    /// The section holding `position`, if the document has numbered parts.
    func section(containing position: Int) -> Section? {
        let k = sections.partition { $0.range.upperBound <= position }
        return k < sections.count && sections[k].range.contains(position) ? sections[k] : nil
    }
}
