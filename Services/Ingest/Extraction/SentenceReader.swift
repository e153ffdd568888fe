import Foundation
import ZhibiaoFacts

/// Reads the quantities of one sentence into fact drafts. The shapes it knows, each a `FactDraft.Rule`:
/// - a label before its figure ("工业产值完成42.5亿元"), or glued to it ("GDP1955.9亿元"), or a name right after a
///   classifier ("14个重点项目");
/// - a growth rate after its figure ("…42.5亿元，同比增长7.07%"), also across clauses that add no label of their own
///   ("…192.3亿元，按可比价计算，同比增长6.0%"), and a growth stated first ("GDP增长7.5%，达到309亿元");
/// - lists: "A、B分别为X、Y", "甲、乙两县GDP分别为X亿、Y亿，增长a%和b%", "A、B均增长8%",
///   "甲市(812亿元)、乙市(790亿元)…GDP…增速分别为…", and items under a heading that names the indicator;
/// - the investment of a project count ("新签约项目10个,总投资49.04亿元", "66个重点项目54亿元的投资计划"), and
///   the same label again after fillers ("新增5家,累计达到25家").
/// Years, kinds and regions are decided later, by position (`FactExtractor`).
struct SentenceReader: Sendable {
    let taxonomy: IndicatorTaxonomy
    let words: SentenceWords

    /// A place named in the sentence, as an index into the resolver's mentions.
    struct Mention: Sendable {
        var range: Range<Int>
        var index: Int
    }

    /// An indicator named by a heading or a lead ending in ':' that the next sentences list items of.
    struct ListLabel: Sendable {
        var indicator: Int
        var name: IndicatorTaxonomy.Name
        var label: String

        /// The label as a name matched, empty, at `position`.
        func match(at position: Int) -> LabelMatcher.Match {
            LabelMatcher.Match(range: position..<position, indicator: indicator, name: name)
        }
    }

    /// What one sentence gave: its drafts, whether an open list label was used, and the list label it opens.
    struct Reading: Sendable {
        var drafts: [FactDraft] = []
        var usedListLabel = false
        var opensList: ListLabel? = nil
    }

    func read(
        _ s: [UInt32], sentence: Range<Int>, quantities qs: [Quantity], inHeading: Bool, mentions: [Mention],
        earlier: FactDraft?, listLabel: ListLabel?, topic: ListLabel? = nil
    ) -> Reading {
        var reading = Reading()
        guard !qs.isEmpty else {
            reading.opensList = opensList(s, sentence: sentence)
            return reading
        }
        var context = SentenceContext(
            s: s, sentence: sentence, qs: qs, inHeading: inHeading, mentions: mentions, earlier: earlier, topic: topic,
            reader: self)
        for k in qs.indices where context.isBracket(k) { context.roles[k] = .consumed }
        context.readParenthesizedLists()
        context.readRespectivelyLists()
        context.pairGrowthRuns()
        for k in qs.indices {
            guard case .open = context.roles[k] else { continue }
            if context.attachRespectiveGrowth(k) || context.attachBareGrowth(k) { continue }
            if context.readEach(k) { continue }
            if context.isMilestone(k) {
                context.roles[k] = .consumed
                continue
            }
            if context.readSingle(k, listLabel: listLabel) { reading.usedListLabel = true }
        }
        reading.drafts = context.finish()
        return reading
    }

    /// A sentence that names an indicator and ends in ':' (or a heading line without figures) opens a list.
    func opensList(_ s: [UInt32], sentence: Range<Int>) -> ListLabel? {
        var end = sentence.upperBound
        while end > sentence.lowerBound, s[end - 1] == Scalar.space { end -= 1 }
        guard end > sentence.lowerBound, s[end - 1] == Scalar.colon else { return nil }
        guard
            let match = taxonomy.matcher.matches(s, sentence.lowerBound..<end).max(by: {
                $0.range.count < $1.range.count
            })
        else { return nil }
        return ListLabel(indicator: match.indicator, name: match.name, label: text(s, match.range))
    }

    /// The indicator an article's title names ("湖南14市州上半年GDP出炉"): the longest name in it.
    func topic(_ s: [UInt32], title: Range<Int>) -> ListLabel? {
        taxonomy.matcher.matches(s, title).max(by: { $0.range.count < $1.range.count }).map {
            ListLabel(indicator: $0.indicator, name: $0.name, label: text(s, $0.range))
        }
    }

    // MARK: - Labels

    /// The unit class figures under this name are stated in.
    func unitClass(of match: LabelMatcher.Match) -> UnitClass {
        match.name.unitClass ?? taxonomy.indicators[match.indicator].unitClass
    }

    /// Whether the quantity can be a figure of the matched name (a percent is a candidate for every name: a growth
    /// rate, or the value of a percent indicator).
    func compatible(_ match: LabelMatcher.Match, _ q: Quantity) -> Bool {
        let indicatorClass = unitClass(of: match)
        if q.isPercent { return true }
        guard let unit = q.unitClass else { return [.count, .persons, .personTimes, .cny].contains(indicatorClass) }
        switch indicatorClass {
        case .persons: return unit == .persons || unit == .count
        case .personTimes: return unit == .personTimes || unit == .persons
        default: return unit == indicatorClass || (unit.isArea && indicatorClass.isArea)
        }
    }

    /// The name in `window` closest to the figure (then the longest) whose unit class fits; a name right after a
    /// word that makes it another statistic ("到位固定资产投资") does not count.
    func bestMatch(_ s: [UInt32], _ window: Range<Int>, quantity q: Quantity) -> LabelMatcher.Match? {
        var best: LabelMatcher.Match? = nil
        for m in names(s, window) {
            guard compatible(m, q) else { continue }
            if m.range.count <= 2 && q.start - m.range.upperBound > 4 { continue }  // 高企 only right before its figure
            if let b = best, (m.range.upperBound, m.range.count) <= (b.range.upperBound, b.range.count) { continue }
            best = m
        }
        if best == nil { best = matchAcrossExamples(s, window, quantity: q) }
        return best
    }

    /// The indicator names in `range`, without those that name another statistic there ("人均地区生产总值": neither
    /// 地区生产总值 nor the 生产总值 inside it).
    func names(_ s: [UInt32], _ range: Range<Int>) -> [LabelMatcher.Match] {
        let all = taxonomy.matcher.matches(s, range)
        let other = all.filter {
            words.otherStatistic.match(s, endingAt: $0.range.lowerBound, start: range.lowerBound) != nil
        }
        guard !other.isEmpty else { return all }
        return all.filter { m in
            !other.contains { $0.range.lowerBound <= m.range.lowerBound && m.range.upperBound <= $0.range.upperBound }
        }
    }

    /// "新引进上海远怀等项目58个": a name interrupted by examples ending in 等; the shortest run of examples is dropped.
    private func matchAcrossExamples(_ s: [UInt32], _ window: Range<Int>, quantity q: Quantity) -> LabelMatcher.Match? {
        guard !q.isPercent, let deng = s[window].lastIndex(of: Scalar.etc), deng + 1 < window.upperBound else {
            return nil
        }
        let after = s[(deng + 1)..<window.upperBound]
        var best: LabelMatcher.Match? = nil
        var cut = deng
        while best == nil, cut > window.lowerBound, deng - cut < 16 {
            var joined = Array(s[window.lowerBound..<cut])
            let junction = joined.count
            joined.append(contentsOf: after)
            for m in taxonomy.matcher.matches(joined, 0..<joined.count)
            where m.range.lowerBound < junction && m.range.upperBound > junction && compatible(m, q) {
                if best == nil || m.range.count > best!.range.count {
                    var found = m
                    found.range = (window.lowerBound + m.range.lowerBound)..<(deng + 1 + m.range.upperBound - junction)
                    best = found
                }
            }
            cut -= 1
        }
        return best
    }

    /// Characters of modifiers allowed between a classifier and the name after it ("65个年度重点项目").
    static let classifierModifiers = 2

    /// "14个重点项目", "签约29个项目", "53个项目集中签约": the name right after a classifier (or a short modifier), or
    /// spanning it.
    func classifierMatch(_ s: [UInt32], _ window: Range<Int>, quantity q: Quantity, sentenceEnd: Int)
        -> LabelMatcher.Match?
    {
        guard q.unitClass == .count, q.end < sentenceEnd else { return nil }
        var postEnd = q.end
        while postEnd < sentenceEnd, postEnd - q.end < 10, !words.clauseDelimiters.contains(s[postEnd]),
            s[postEnd] != Scalar.ideographicComma
        {
            postEnd += 1
        }
        let head = Array(s[max(window.lowerBound, q.start - 6)..<q.start])
        var joined = head
        joined.append(contentsOf: s[q.end..<postEnd])
        var best: LabelMatcher.Match? = nil
        for m in taxonomy.matcher.matches(joined, 0..<joined.count)
        where m.range.lowerBound <= head.count + Self.classifierModifiers && m.range.upperBound > head.count
            && compatible(m, q)
        {
            if best == nil || m.range.count > best!.range.count { best = m }
        }
        guard var found = best else { return nil }
        let start = found.range.lowerBound < head.count ? q.start - (head.count - found.range.lowerBound) : q.end
        found.range = start..<(q.end + found.range.upperBound - head.count)
        return found
    }

    /// The indicator whose name is a project count's name plus an investment suffix (签约项目 + 总投资).
    func investmentIndicator(of countIndicator: Int) -> Int? {
        for name in taxonomy.indicators[countIndicator].names {
            for suffix in words.investmentSuffixes {
                if let found = taxonomy.indicator(named: name + suffix), taxonomy.indicators[found].unitClass == .cny {
                    return found
                }
            }
        }
        return nil
    }

    // MARK: - Words

    /// +1 or -1 when `range` says only "grew/fell by" (同比增长, 下降 …), nil otherwise.
    func growthSign(_ s: [UInt32], _ range: Range<Int>) -> Decimal? {
        let range = Self.afterNote(s, range)
        guard words.growthGap.covers(s, range, ignoring: SentenceWords.isNoise) else { return nil }
        if words.decline.occurs(s, in: range) { return -1 }
        if words.rise.occurs(s, in: range) { return 1 }
        return nil
    }

    /// `range` after a bracketed note that opens it: "固定资产投资（不含农户）比上年增长" — the note qualifies the name.
    static func afterNote(_ s: [UInt32], _ range: Range<Int>) -> Range<Int> {
        guard let first = range.first, s[first] == Scalar.openParen,
            let close = s[range].firstIndex(of: Scalar.closeParen)
        else { return range }
        return (close + 1)..<range.upperBound
    }

    /// The last growth verb before `end` with nothing but growth words after it ("…增加值增长" → 增长), with its sign.
    func growthVerb(_ s: [UInt32], endingBefore end: Int, floor: Int) -> (start: Int, sign: Decimal)? {
        var i = end - 1
        while i >= floor {
            if let sign = growthSign(s, i..<end),
                words.rise.match(s, at: i, end: end) != nil
                    || words.decline.match(s, at: i, end: end) != nil
            {
                // Keep extending left while the stretch still says only "grew by".
                var start = i
                while start > floor, growthSign(s, (start - 1)..<end) != nil { start -= 1 }
                return (start, sign)
            }
            i -= 1
            if end - i > Self.growthPhraseReach { return nil }
        }
        return nil
    }

    /// How far before a rate its growth words may reach ("按可比价格计算同比增长").
    static let growthPhraseReach = 12

    /// "较2017年增加43天": a change against a base, not the level (增长到/增至 are levels).
    func isChange(_ s: [UInt32], _ range: Range<Int>) -> Bool {
        guard words.comparison.occurs(s, in: range) else { return false }
        var i = range.lowerBound
        while i < range.upperBound {
            if let verb = words.changeVerbs.match(s, at: i, end: range.upperBound) {
                let next = i + verb.scalars.count
                if next >= range.upperBound || !words.toLevel.contains(s[next]) { return true }
                i = next
            } else {
                i += 1
            }
        }
        return false
    }

    /// Whether `range` holds only fillers between a label and its figure (累计达到, 增至, "2015年的" …).
    func onlyFillers(_ s: [UInt32], _ range: Range<Int>) -> Bool {
        words.levelFiller.covers(s, range) { SentenceWords.isNoise($0) || Self.isYearText($0) }
    }

    /// Characters of year phrases ("“十三五”末的", "2015年的") that may sit between a filler and its figure.
    static let yearText = ScalarSet("0123456789年十三二四五末的从由今去明上半底")
    static func isYearText(_ c: UInt32) -> Bool { yearText.contains(c) }

    /// `added` when a word of new additions (新增, 新培育 …) stands in `floor..<position`, `level` when a word of
    /// stock (累计, 总数 …) does, the nearest first; nil when neither.
    func measure(_ s: [UInt32], before position: Int, floor: Int) -> Measure? {
        var i = position - 1
        while i >= floor {
            if words.added.match(s, at: i, end: position) != nil { return .added }
            if words.levelMarkers.match(s, at: i, end: position) != nil { return .level }
            i -= 1
        }
        return nil
    }

    /// A raw label for figures outside the taxonomy: the clause before the number, trailing verbs removed.
    func rawLabel(_ s: [UInt32], _ window: Range<Int>) -> String {
        var lower = window.lowerBound
        var upper = window.upperBound
        while lower < upper, SentenceWords.isNoise(s[lower]) { lower += 1 }
        while let verb = words.trailingVerbs.match(s, endingAt: upper, start: lower), upper - lower > verb.scalars.count
        {
            upper -= verb.scalars.count
        }
        return text(s, max(lower, upper - 16)..<upper)
    }

    func text(_ s: [UInt32], _ range: Range<Int>) -> String { String(scalarValues: s[range]) }
}
