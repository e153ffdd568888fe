import Foundation
import ZhibiaoModels

/// Reads the quantities of one sentence: which are growth rates of the figure before them (同比增长7.07%), which
/// pair with a "分别" list of labels, which label and indicator each figure has (the phrase before it, or the noun
/// right after a classifier: 14个重点项目), which money figure is the investment of the project count before it
/// (新签约项目12个,总投资36.5亿元), and which repeats the label of the figure before it (新增5家,累计达到25家).
struct SentenceReader: Sendable {
    let taxonomy: IndicatorTaxonomy

    func read(_ s: [UInt32], sentence: Range<Int>, quantities qs: [Quantity], inHeading: Bool) -> [FactDraft] {
        let clauseStarts = qs.map { clauseStart(s, before: $0.start, floor: sentence.lowerBound) }
        let windowStarts = qs.indices.map { k in max(clauseStarts[k], k > 0 ? qs[k - 1].end : sentence.lowerBound) }
        // Per figure (arrays by index: a sentence has a handful of figures, not worth hashing).
        var growthOf = [Decimal?](repeating: nil, count: qs.count)
        var consumed = [Bool](repeating: false, count: qs.count)
        for k in qs.indices.dropFirst() where qs[k].isPercent || qs[k].isPercentagePoints {
            guard let sign = growthSign(s[qs[k - 1].end..<qs[k].start]), !consumed[k - 1],
                growthOf[k - 1] == nil, !qs[k - 1].isPercent || qs[k].isPercentagePoints
            else { continue }
            growthOf[k - 1] = sign * qs[k].value
            consumed[k] = true
        }
        let lists = fenbieLists(s, qs, clauseStarts: clauseStarts, windowStarts: windowStarts, consumed: consumed)
        var drafts: [FactDraft] = []
        var draftOf = [Int?](repeating: nil, count: qs.count)
        for k in qs.indices where !consumed[k] {
            let q = qs[k]
            var evidenceStart = windowStarts[k]
            while evidenceStart < q.start, Phrases.isNoise(s[evidenceStart]) && !LabelMatcher.isQuote(s[evidenceStart]) {
                evidenceStart += 1
            }
            var evidenceEnd = q.end
            if growthOf[k] != nil, k + 1 < qs.count { evidenceEnd = qs[k + 1].end }
            var draft = FactDraft(
                quantity: q, indicator: nil, label: "", growth: growthOf[k], evidence: evidenceStart..<evidenceEnd,
                sentence: sentence, inHeading: inHeading)
            let window = windowStarts[k]..<q.start
            if let listed = lists[k] {
                draft.label = listed.label
                draft.indicator = listed.indicator
                if draft.quantity.qualifier == .exact { draft.quantity.qualifier = listed.qualifier }
            } else if let match = bestMatch(s, window, quantity: q) {
                draft.label = text(s, match.range)
                let between = s[match.range.upperBound..<q.start]
                if q.isPercent, taxonomy.indicators[match.indicator].unitClass != .percent,
                    let sign = growthSign(between)
                {
                    draft.growthOnly = true
                    draft.growth = sign * q.value
                    draft.indicator = match.indicator
                } else if !isChange(between) && (!q.isPercent || taxonomy.indicators[match.indicator].unitClass == .percent) {
                    draft.indicator = match.indicator
                }
            } else if let match = classifierMatch(s, window, quantity: q, sentenceEnd: sentence.upperBound) {
                draft.label = text(s, match.range)
                draft.indicator = match.indicator
            } else if let previous = (k > 0 ? draftOf[k - 1] : nil).map({ drafts[$0] }),
                let inherited = inherit(s, window, quantity: q, previous: previous)
            {
                draft.indicator = inherited
                draft.label = previous.label
            } else {
                let raw = rawLabel(s, window)
                if q.isPercent, let sign = growthSign(s[window]), !raw.isEmpty {
                    draft.growthOnly = true
                    draft.growth = sign * q.value
                }
                draft.label = raw
            }
            // 从A增至B: remember that A opens the span.
            if q.start > sentence.lowerBound, s[q.start - 1] == 0x4ECE || s[q.start - 1] == 0x7531 { draft.isSpanStart = true }
            draftOf[k] = drafts.count
            drafts.append(draft)
        }
        return drafts
    }

    /// Start of the clause holding `position`: after the last delimiter before it.
    func clauseStart(_ s: [UInt32], before position: Int, floor: Int) -> Int {
        var i = position
        while i > floor, !Phrases.clauseDelimiters.contains(s[i - 1]) { i -= 1 }
        return i
    }

    /// +1 or -1 when `gap` says only "grew/fell by" (同比增长, 下降 …), nil otherwise.
    func growthSign(_ gap: ArraySlice<UInt32>) -> Decimal? {
        guard Phrases.isCovered(gap, by: Phrases.growthFiller, Phrases.decline, Phrases.rise, ignoring: Phrases.isNoise)
        else { return nil }
        if Phrases.containsAny(gap, Phrases.decline) { return -1 }
        if Phrases.containsAny(gap, Phrases.rise) { return 1 }
        return nil
    }

    static let changeVerbs = Phrases.rise + Phrases.decline + ["多", "少"].map(\.scalarValues)

    /// "较2017年增加43天": a change against a base, not the level (增长到/增至 are levels).
    func isChange(_ between: ArraySlice<UInt32>) -> Bool {
        guard Phrases.containsAny(between, Phrases.comparison) else { return false }
        for verb in Self.changeVerbs {
            if let at = ScalarSearch.firstIndex(between, verb) {
                let next = at + verb.count
                if next >= between.endIndex || !Phrases.toLevel.contains(between[next]) { return true }
            }
        }
        return false
    }

    /// Indicator units a quantity can carry.
    func compatible(_ indicator: UnitClass, _ q: Quantity) -> Bool {
        guard let unit = q.unitClass else { return [.count, .persons, .personTimes].contains(indicator) }
        switch indicator {
        case .persons: return unit == .persons
        case .personTimes: return unit == .personTimes || unit == .persons
        default: return unit == indicator || (q.isPercent && indicator != .percent)
        }
    }

    /// The name in `window` closest to the figure (then the longest) whose unit class fits.
    func bestMatch(_ s: [UInt32], _ window: Range<Int>, quantity q: Quantity) -> LabelMatcher.Match? {
        var best: LabelMatcher.Match? = nil
        for m in taxonomy.matcher.matches(s, window) {
            guard compatible(taxonomy.indicators[m.indicator].unitClass, q) else { continue }
            if m.range.count <= 2 && q.start - m.range.upperBound > 4 { continue }  // 高企 only right before its figure
            if let b = best,
                (m.range.upperBound, m.range.count) <= (b.range.upperBound, b.range.count)
            {
                continue
            }
            best = m
        }
        // "新引进上海远怀等项目58个": a name interrupted by examples ending in 等; drop the shortest run of examples.
        if best == nil, let deng = s[window].lastIndex(of: 0x7B49), deng + 1 < window.upperBound {
            let after = s[(deng + 1)..<window.upperBound]
            var cut = deng
            while best == nil, cut > window.lowerBound, deng - cut < 16 {
                var joined = Array(s[window.lowerBound..<cut])
                let junction = joined.count
                joined.append(contentsOf: after)
                for m in taxonomy.matcher.matches(joined, 0..<joined.count)
                where m.range.lowerBound < junction && m.range.upperBound > junction
                    && compatible(taxonomy.indicators[m.indicator].unitClass, q) && !(q.isPercent)
                {
                    if best == nil || m.range.count > best!.range.count {
                        let start = window.lowerBound + m.range.lowerBound
                        best = LabelMatcher.Match(range: start..<(deng + 1 + m.range.upperBound - junction), indicator: m.indicator)
                    }
                }
                cut -= 1
            }
        }
        return best
    }

    /// "14个重点项目", "签约29个项目": the name right after a classifier, or spanning it.
    func classifierMatch(_ s: [UInt32], _ window: Range<Int>, quantity q: Quantity, sentenceEnd: Int)
        -> LabelMatcher.Match?
    {
        guard q.unitClass == .count, q.end < sentenceEnd else { return nil }
        var postEnd = q.end
        while postEnd < sentenceEnd, postEnd - q.end < 10, !Phrases.clauseDelimiters.contains(s[postEnd]),
            s[postEnd] != 0x3001
        {
            postEnd += 1
        }
        let head = Array(s[max(window.lowerBound, q.start - 6)..<q.start])
        var joined = head
        joined.append(contentsOf: s[q.end..<postEnd])
        var best: LabelMatcher.Match? = nil
        for m in taxonomy.matcher.matches(joined, 0..<joined.count)
        where m.range.lowerBound <= head.count && m.range.upperBound > head.count
            && compatible(taxonomy.indicators[m.indicator].unitClass, q)
        {
            if best == nil || m.range.count > best!.range.count { best = m }
        }
        guard let best else { return nil }
        let start = best.range.lowerBound < head.count ? q.start - (head.count - best.range.lowerBound) : q.end
        return LabelMatcher.Match(range: start..<(q.end + best.range.upperBound - head.count), indicator: best.indicator)
    }

    /// A figure without a label of its own takes one from the figure before it: the investment of a project count
    /// (总投资, 完成投资, 吸金 …), or the same label when only fillers stand between (累计达到, 增至).
    func inherit(_ s: [UInt32], _ window: Range<Int>, quantity q: Quantity, previous: FactDraft) -> Int? {
        guard let previousIndicator = previous.indicator else { return nil }
        let indicator = taxonomy.indicators[previousIndicator]
        let onlyFillers = Phrases.isCovered(s[window], by: Phrases.levelFiller) { Phrases.isNoise($0) || isYearText($0) }
        if q.isMoney, indicator.unitClass == .count, Phrases.containsAny(s[window], Phrases.investment) {
            for name in indicator.names {
                for suffix in Phrases.investmentSuffixes {
                    if let found = taxonomy.indicator(named: name + suffix), found.unitClass == .cny,
                        let index = taxonomy.indicators.firstIndex(of: found)
                    {
                        return index
                    }
                }
            }
        }
        if onlyFillers, previous.quantity.unit == q.unit, compatible(indicator.unitClass, q) { return previousIndicator }
        return nil
    }

    /// Characters of year phrases ("“十三五”末的", "2015年的") that may sit between a filler and its figure.
    func isYearText(_ c: UInt32) -> Bool {
        ChineseNumber.isDigit(c) || c == 0x5E74 || c == 0x5341 || c == 0x4E09 || c == 0x4E8C || c == 0x56DB || c == 0x4E94
            || c == 0x672B || c == 0x7684 || c == 0x4ECE || c == 0x7531
    }

    /// A raw label for figures outside the taxonomy: the clause before the number, trailing verbs removed.
    func rawLabel(_ s: [UInt32], _ window: Range<Int>) -> String {
        var slice = s[window]
        while let first = slice.first, Phrases.isNoise(first) { slice = slice.dropFirst() }
        var trimmed = true
        while trimmed {
            trimmed = false
            for verb in Phrases.trailingVerbs where ScalarSearch.hasSuffix(slice, verb) && slice.count > verb.count {
                slice = slice.dropLast(verb.count)
                trimmed = true
            }
        }
        return text(s, slice.suffix(16).indices)
    }

    func text(_ s: [UInt32], _ range: Range<Int>) -> String { String(scalarValues: s[range]) }
}
