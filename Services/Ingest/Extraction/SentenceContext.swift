import Foundation
import ZhibiaoFacts

/// One sentence being read by `SentenceReader`: its quantities, what each has become, and the shapes applied in
/// order (lists first, then growth rates, then single figures).
struct SentenceContext {
    enum Role {
        case open
        /// Not a figure of its own: a bracket ("3000亿级别"), a milestone restated ("突破5亿元大关"), a growth rate
        /// attached to another figure.
        case consumed
        /// Index into `drafts`.
        case drafted(Int)
    }

    let s: [UInt32]
    let sentence: Range<Int>
    let qs: [Quantity]
    let inHeading: Bool
    let mentions: [SentenceReader.Mention]
    /// The last indicator figure of the paragraph's earlier sentences (a project count whose investment comes later).
    let earlier: FactDraft?
    /// The indicator the article's title names, for places ranked by it ("长沙以7120.52亿元位居第一").
    let topic: SentenceReader.ListLabel?
    let reader: SentenceReader
    var words: SentenceWords { reader.words }

    var roles: [Role]
    /// Nil once merged into another draft (a growth stated first).
    var drafts: [FactDraft?] = []
    /// Start of the clause of each quantity (after the last delimiter before it).
    let clauseStarts: [Int]
    /// Where each quantity's own words start: its clause, or the end of the quantity before it.
    let windowStarts: [Int]
    /// A growth rate paired with each quantity by a list, before its draft exists.
    var pendingGrowth: [(value: Decimal, end: Int)?]
    /// Whether the figure states a change against a base ("比2010年增加13480元"): it never takes a growth rate.
    var isChange: [Bool]
    /// Runs of figures written as a list (separated by 、和及与 only), and parenthesized lists.
    var runs: [[Int]] = []

    init(
        s: [UInt32], sentence: Range<Int>, qs: [Quantity], inHeading: Bool, mentions: [SentenceReader.Mention],
        earlier: FactDraft?, topic: SentenceReader.ListLabel?, reader: SentenceReader
    ) {
        self.s = s
        self.sentence = sentence
        self.qs = qs
        self.inHeading = inHeading
        self.mentions = mentions
        self.earlier = earlier
        self.topic = topic
        self.reader = reader
        roles = Array(repeating: .open, count: qs.count)
        pendingGrowth = Array(repeating: nil, count: qs.count)
        isChange = Array(repeating: false, count: qs.count)
        let clauseStarts = qs.map { reader.words.clauseStart(s, before: $0.start, floor: sentence.lowerBound) }
        self.clauseStarts = clauseStarts
        windowStarts = qs.indices.map { k in max(clauseStarts[k], k > 0 ? qs[k - 1].end : sentence.lowerBound) }
        runs = plainRuns()
    }

    // MARK: - Brackets and milestones

    /// A bracket or scale ("3000亿级别"), or an amount that sets a threshold for a noun after it ("10亿元以上项目").
    func isBracket(_ k: Int) -> Bool {
        words.bracket.match(s, at: qs[k].end, end: sentence.upperBound) != nil
            || (qs[k].isAnyMoney && words.thresholdNouns.match(s, at: qs[k].end, end: sentence.upperBound) != nil)
    }

    /// "首次突破5亿元大关": a milestone restating the figure before it, unless it has a label of its own.
    func isMilestone(_ k: Int) -> Bool {
        words.milestone.match(s, at: qs[k].end, end: sentence.upperBound) != nil
            && reader.taxonomy.matcher.matches(s, windowStarts[k]..<qs[k].start).isEmpty
    }

    /// "以X位居第一", "以X、Y位列第二、第三": 以 right before figure `from`, a ranking word right after figure `to`.
    func isRanked(from: Int, to: Int) -> Bool {
        let start = qs[from].start
        var end = qs[to].end
        while end < sentence.upperBound, SentenceWords.isNoise(s[end]) { end += 1 }
        return start > sentence.lowerBound && s[start - 1] == Self.by
            && words.rank.match(s, at: end, end: sentence.upperBound) != nil
    }

    /// 以, "by means of": "长沙以7120.52亿元位居第一".
    static let by: UInt32 = 0x4EE5

    // MARK: - Lists

    /// Figures separated only by list separators, of one unit class: "7105.67亿、6032.4亿", "6.5%、9.4%".
    private func plainRuns() -> [[Int]] {
        var result: [[Int]] = []
        var current: [Int] = []
        for k in qs.indices {
            if let last = current.last, isListGap(qs[last].end..<qs[k].start), qs[last].unitClass == qs[k].unitClass {
                current.append(k)
            } else {
                if current.count >= 2 { result.append(current) }
                current = [k]
            }
        }
        if current.count >= 2 { result.append(current) }
        return result
    }

    func isListGap(_ range: Range<Int>) -> Bool {
        range.count <= 3 && !range.isEmpty && words.listSeparators.covers(s, range) { $0 == Scalar.space }
    }

    /// `range` split at list separators (、和及与), each part trimmed of noise.
    func parts(_ range: Range<Int>) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start = range.lowerBound
        var i = range.lowerBound
        while i < range.upperBound {
            if let separator = words.listSeparators.match(s, at: i, end: range.upperBound),
                separator.scalars != [Scalar.comma]
            {
                result.append(start..<i)
                i += separator.scalars.count
                start = i
            } else {
                i += 1
            }
        }
        result.append(start..<range.upperBound)
        return result.map { part in
            var r = part
            while !r.isEmpty, SentenceWords.isNoise(s[r.lowerBound]) { r = (r.lowerBound + 1)..<r.upperBound }
            return r
        }.filter { !$0.isEmpty }
    }

    /// The index into `mentions` of the last place named inside `range`.
    func mention(in range: Range<Int>) -> Int? {
        mentions.lastIndex { range.lowerBound <= $0.range.lowerBound && $0.range.upperBound <= range.upperBound }
    }

    /// The longest indicator name in `range` that fits `q`.
    func longestMatch(_ range: Range<Int>, for q: Quantity) -> LabelMatcher.Match? {
        reader.names(s, range).filter { reader.compatible($0, q) }
            .max { $0.range.count < $1.range.count }
    }

    /// "A、B分别为X、Y" (names pair with figures in order; a qualifier written once, before the first figure or after
    /// the last, holds for all: "分别超过X、Y", "分别增长X%和Y%左右"); "甲、乙两县GDP分别为
    /// X、Y" (places pair, the name is shared); "城乡居民人均可支配收入分别达到X元和Y元" (one name for all).
    mutating func readRespectivelyLists() {
        for run in runs where run.allSatisfy({ if case .open = roles[$0] { true } else { false } }) {
            let first = run[0]
            let floor = clauseStarts[first]
            guard let at = words.respectively.lastMatch(s, in: floor..<qs[first].start)?.at else { continue }
            if qs[first].isPercent, reader.taxonomy.matcher.matches(s, floor..<at).isEmpty { continue }  // a growth run
            let labelParts = parts(floor..<at)
            var matches = labelParts.map { longestMatch($0, for: qs[first]) }
            var places = labelParts.map { mention(in: $0) }
            if labelParts.count != run.count {
                // One name for all the figures, and no places to pair.
                let distinct = Set(matches.compactMap { $0?.indicator })
                guard distinct.count == 1, let shared = matches.compactMap({ $0 }).last else { continue }
                matches = Array(repeating: shared, count: run.count)
                places = Array(repeating: nil, count: run.count)
            } else if let topic, matches.allSatisfy({ $0 == nil }), places.allSatisfy({ $0 != nil }),
                isRanked(from: first, to: run[run.count - 1]), reader.compatible(topic.match(at: at), qs[first])
            {
                // "岳阳、常德分别以X、Y位列第二、第三": places ranked by the title's indicator.
                matches = Array(repeating: topic.match(at: at), count: run.count)
            } else {
                // A part without a name of its own shares its neighbour's when it is a place or a short modifier
                // (城镇 in "城镇和农村居民人均可支配收入"); a long part names another statistic.
                for i in labelParts.indices where matches[i] == nil {
                    guard places[i] != nil || labelParts[i].count <= 4 else { continue }
                    matches[i] = matches[(i + 1)...].compactMap({ $0 }).first ?? matches[..<i].compactMap({ $0 }).last
                }
            }
            let qualifier = qs[first].qualifier == .exact ? qs[run[run.count - 1]].qualifier : qs[first].qualifier
            for (i, k) in run.enumerated() {
                let partStart = labelParts.count == run.count ? labelParts[i].lowerBound : floor
                var draft = newDraft(k, evidenceStart: partStart, rule: .respectively)
                if draft.quantity.qualifier == .exact { draft.quantity.qualifier = qualifier }
                if let match = matches[i] {
                    assign(match, to: &draft, between: match.range.upperBound..<qs[first].start, of: k)
                } else {
                    draft.label = reader.rawLabel(s, labelParts.count == run.count ? labelParts[i] : floor..<at)
                    draft.rule = .unindexed
                }
                draft.mention = places[i].map { mentions[$0].index }
                add(draft, for: k)
            }
        }
    }

    /// "扬州(3417.36亿元)、盐城(3413.41亿元)…上半年的GDP…": a place with its figure in brackets, listed; the name
    /// comes after the list (or before it).
    mutating func readParenthesizedLists() {
        var members: [(k: Int, mention: Int)] = []
        func flush() {
            defer { members.removeAll() }
            guard members.count >= 2 else { return }
            let lastEnd = qs[members.last!.k].end + 1
            let after = lastEnd..<(members.last!.k + 1 < qs.count ? qs[members.last!.k + 1].start : sentence.upperBound)
            let q = qs[members[0].k]
            guard
                let match = longestMatch(after, for: q)
                    ?? longestMatch(sentence.lowerBound..<qs[members[0].k].start, for: q)
            else { return }
            for member in members {
                var draft = newDraft(
                    member.k, evidenceStart: mentions[member.mention].range.lowerBound, rule: .parenthesizedList)
                assign(match, to: &draft, between: qs[member.k].start..<qs[member.k].start, of: member.k)
                draft.mention = mentions[member.mention].index
                add(draft, for: member.k)
            }
            runs.append(members.map(\.k))
        }
        for k in qs.indices {
            let q = qs[k]
            guard q.start > sentence.lowerBound + 1, s[q.start - 1] == Scalar.openParen, q.end < sentence.upperBound,
                s[q.end] == Scalar.closeParen,
                let m = mentions.lastIndex(where: { $0.range.upperBound == q.start - 1 })
            else {
                flush()
                continue
            }
            if let previous = members.last, !isListGap((qs[previous.k].end + 1)..<mentions[m].range.lowerBound) {
                flush()
            }
            members.append((k, m))
        }
        flush()
    }

    /// "…分别为7105.67亿、6032.4亿，增长6.6%和7.0%", "…增速分别为6.2%、6.1%、6.2%": a run of rates after a growth
    /// verb pairs in order with the run of figures before it.
    mutating func pairGrowthRuns() {
        for run in runs where qs[run[0]].isPercent {
            guard run.allSatisfy({ if case .open = roles[$0] { true } else { false } }),
                let sign = reader.growthSign(s, clauseStarts[run[0]]..<qs[run[0]].start)
                    ?? reader.growthSign(s, windowStarts[run[0]]..<qs[run[0]].start),
                let values = runs.filter({ $0.last! < run[0] && $0.count == run.count && !qs[$0[0]].isPercent })
                    .max(by: { $0.last! < $1.last! })
            else { continue }
            for (value, rate) in zip(values, run) {
                let growth = (sign * qs[rate].value, qs[rate].end)
                if case .drafted(let d) = roles[value] {
                    give(growth.0, endingAt: growth.1, to: d)
                } else {
                    pendingGrowth[value] = growth
                }
                roles[rate] = .consumed
            }
        }
    }

    /// "城镇居民人均可支配收入X元、农村居民人均可支配收入Y元，分别增长a%、b%": a run of rates after 分别 and a growth
    /// verb pairs in order with as many figures before it, when no list of figures matched it.
    mutating func attachRespectiveGrowth(_ k: Int) -> Bool {
        guard qs[k].isPercent, let run = runs.first(where: { $0[0] == k }),
            words.respectively.occurs(s, in: clauseStarts[k]..<qs[k].start),
            let sign = reader.growthSign(s, clauseStarts[k]..<qs[k].start)
        else { return false }
        var targets: [Int] = []
        for j in stride(from: k - 1, through: 0, by: -1) where targets.count < run.count {
            guard case .drafted(let d) = roles[j], let draft = drafts[d], !draft.quantity.isPercent, !isChange[j] else {
                continue
            }
            guard draft.growth == nil, !draft.growthOnly else { return false }
            targets.insert(d, at: 0)
        }
        guard targets.count == run.count else { return false }
        for (d, rate) in zip(targets, run) {
            give(sign * qs[rate].value, endingAt: qs[rate].end, to: d)
            roles[rate] = .consumed
        }
        return true
    }

    /// "城镇、农村居民人均可支配收入均增长8%": one figure for each of the names (or places) listed before 均.
    mutating func readEach(_ k: Int) -> Bool {
        let floor = clauseStarts[k]
        guard let found = words.each.lastMatch(s, in: floor..<qs[k].start) else { return false }
        let at = found.at
        let listed = parts(floor..<at)
        guard listed.count >= 2 else { return false }
        let matches = listed.map { longestMatch($0, for: qs[k]) }
        let places = listed.map { mention(in: $0) }
        let shared = matches.compactMap { $0 }
        guard matches.allSatisfy({ $0 != nil }) || (shared.count == 1 && places.allSatisfy({ $0 != nil })) else {
            return false
        }
        for (i, part) in listed.enumerated() {
            let match = matches[i] ?? shared[0]
            var draft = newDraft(k, evidenceStart: part.lowerBound, rule: .each)
            assign(match, to: &draft, between: (at + found.phrase.scalars.count)..<qs[k].start, of: k)
            draft.mention = places[i].map { mentions[$0].index }
            add(draft, for: k, reusing: i > 0)
        }
        return true
    }

    // MARK: - Growth rates

    /// A rate with no words of its own but a growth verb ("，同比增长6.0%", ",增长6%") belongs to the nearest figure
    /// before it in the sentence that can take one: not a rate, not a change, not a milestone, with no growth yet,
    /// and no other indicator named in between. Percentage points ("提高0.8个百分点") change a rate: never a growth.
    mutating func attachBareGrowth(_ k: Int) -> Bool {
        let q = qs[k]
        guard q.isPercent, let sign = reader.growthSign(s, windowStarts[k]..<q.start) else { return false }
        var j = k - 1
        while j >= 0 {
            defer { j -= 1 }
            guard case .drafted(let d) = roles[j], let draft = drafts[d] else { continue }
            if draft.quantity.isPercent || isChange[j] { continue }
            guard !draft.growthOnly, draft.growth == nil,
                reader.taxonomy.matcher.matches(s, qs[j].end..<windowStarts[k]).isEmpty
            else { return false }
            give(sign * q.value, endingAt: q.end, to: d)
            roles[k] = .consumed
            return true
        }
        return false
    }

    /// Gives draft `d` a growth rate; its evidence reaches to the rate's end.
    private mutating func give(_ growth: Decimal, endingAt end: Int, to d: Int) {
        guard var draft = drafts[d] else { return }
        draft.growth = growth
        draft.evidence = draft.evidence.lowerBound..<max(draft.evidence.upperBound, end)
        drafts[d] = draft
    }

    // MARK: - Single figures

    /// A figure with its own label, a label spanning its classifier, one inherited from the figure before it, or
    /// the indicator of an open list; otherwise an unindexed figure. Returns whether the list label was used.
    mutating func readSingle(_ k: Int, listLabel: SentenceReader.ListLabel?) -> Bool {
        let q = qs[k]
        let window = windowStarts[k]..<q.start
        var draft = newDraft(k, evidenceStart: window.lowerBound, rule: .label)
        if let match = reader.bestMatch(s, window, quantity: q) {
            let between = match.range.upperBound..<q.start
            isChange[k] = reader.isChange(s, between)
            if !isChange[k] || q.isPercent { assign(match, to: &draft, between: between, of: k) }
            if draft.indicator == nil {
                draft.rule = .unindexed
                if draft.label.isEmpty { draft.label = reader.rawLabel(s, window) }
            }
        } else if let match = reader.classifierMatch(s, window, quantity: q, sentenceEnd: sentence.upperBound) {
            draft.rule = .classifier
            assign(match, to: &draft, between: q.start..<q.start, of: k)
        } else if inherit(k, into: &draft) {
            // done: the label of the figure before, its investment, or a growth stated first.
        } else if let topic, isRanked(from: k, to: k),
            isListItem(window.lowerBound..<max(window.lowerBound, q.start - 1)),
            reader.compatible(topic.match(at: q.start), q)
        {
            // "长沙以7120.52亿元位居第一": the title's indicator.
            draft.rule = .listItem
            assign(topic.match(at: q.start), to: &draft, between: q.start..<q.start, of: k)
            draft.label = topic.label
        } else if let listLabel, isListItem(window) {
            draft.rule = .listItem
            assign(listLabel.match(at: q.start), to: &draft, between: q.start..<q.start, of: k)
            draft.label = listLabel.label
            add(draft, for: k)
            return true
        } else {
            isChange[k] = reader.isChange(s, window)
            draft.rule = .unindexed
            draft.label = reader.rawLabel(s, window)
            // "其中制造业增加值增长8.1%": a rate after a growth verb is the growth of what the words before it name.
            if q.isPercent, !isChange[k],
                let (verb, sign) = reader.growthVerb(s, endingBefore: q.start, floor: window.lowerBound)
            {
                let label = reader.rawLabel(s, window.lowerBound..<verb)
                if !label.isEmpty {
                    draft.growthOnly = true
                    draft.growth = sign * q.value
                    draft.label = label
                }
            }
        }
        add(draft, for: k)
        return false
    }

    /// A figure with no name of its own takes one from the draft before it in the sentence: the investment of a
    /// project count (总投资, 完成投资 … before it, or "…的投资计划" after it; the count may stand in an earlier
    /// sentence of the paragraph: `earlier`), the growth-only draft of a growth stated first ("增长7.5%，达到309亿元"),
    /// or the same label when only fillers stand between (累计达到, 增至).
    private mutating func inherit(_ k: Int, into draft: inout FactDraft) -> Bool {
        let q = qs[k]
        let window = windowStarts[k]..<q.start
        let previousIndex = drafts.lastIndex(where: { $0 != nil })
        // The investment words must speak of the count before, not of a thing after ("总投资35亿元的80项工程"), and
        // name no other indicator ("招商引资到位固定资产投资"). After a figure outside the table
        // ("其中工业项目4个，预计总投资1亿元") the investment is that figure's, not the count's before it.
        let counted = previousIndex.flatMap { drafts[$0] } ?? earlier
        let investmentBefore =
            words.investment.occurs(s, in: window)
            && words.investmentPhrase.covers(s, window, ignoring: SentenceWords.isNoise)
            && !describesWhatFollows(k)
        if q.isMoney, let count = counted, let countIndicator = count.indicator,
            reader.taxonomy.indicators[countIndicator].unitClass == .count, !count.growthOnly,
            investmentBefore || investmentAfter(k),
            reader.taxonomy.matcher.matches(s, window).allSatisfy({ $0.indicator == countIndicator }),
            let investment = reader.investmentIndicator(of: countIndicator)
        {
            let match = LabelMatcher.Match(
                range: window, indicator: investment,
                name: IndicatorTaxonomy.Name(text: "", indicator: investment, unitClass: nil, isFallback: false))
            assign(match, to: &draft, between: q.start..<q.start, of: k)
            draft.rule = .investment
            draft.label = count.label
            if previousIndex == nil { draft.region = count.region }  // the count's place, already decided
            return true
        }
        if previousIndex == nil, reader.onlyFillers(s, window), let match = roundMilestoneName(before: window, for: q) {
            assign(match, to: &draft, between: q.start..<q.start, of: k)
            draft.rule = .inherited
            draft.label = reader.text(s, match.range)
            draft.evidence = match.range.lowerBound..<draft.evidence.upperBound
            return true
        }
        guard let previousIndex, let previous = drafts[previousIndex], let indicator = previous.indicator,
            reader.onlyFillers(s, window) || measureWordsOnly(window), let name = previous.name
        else { return false }
        let match = LabelMatcher.Match(range: window, indicator: indicator, name: name)
        guard reader.compatible(match, q), !q.isPercent else { return false }
        if previous.growthOnly {
            // The growth stated first and the level after it are one figure.
            draft.growth = previous.growth
            draft.evidence = previous.evidence.lowerBound..<draft.evidence.upperBound
            drafts[previousIndex] = nil
            for j in roles.indices { if case .drafted(previousIndex) = roles[j] { roles[j] = .consumed } }
            assign(match, to: &draft, between: q.start..<q.start, of: k)
            draft.rule = .growthFirst
        } else {
            guard previous.quantity.unit == q.unit else { return false }
            assign(match, to: &draft, between: q.start..<q.start, of: k)
            draft.rule = .inherited
            // "首次突破300亿元大关，达到312.6亿元": the threshold crossed, then the figure itself; one fact.
            if previous.quantity.qualifier == .atLeast, q.qualifier == .exact, previous.growth == nil,
                q.baseValue >= previous.quantity.baseValue
            {
                draft.evidence = previous.evidence.lowerBound..<draft.evidence.upperBound
                drafts[previousIndex] = nil
                for j in roles.indices { if case .drafted(previousIndex) = roles[j] { roles[j] = .consumed } }
            }
        }
        draft.label = previous.label
        return true
    }

    /// "固定资产投资突破百亿元，达到102.4亿元": the name in the clause before `window`, when nothing but a milestone
    /// without digits follows it there (no figure of its own).
    private func roundMilestoneName(before window: Range<Int>, for q: Quantity) -> LabelMatcher.Match? {
        let end = window.lowerBound - 1
        guard end > sentence.lowerBound, words.clauseDelimiters.contains(s[end]) else { return nil }
        let clause = words.clauseStart(s, before: end, floor: sentence.lowerBound)..<end
        guard !qs.contains(where: { clause.contains($0.start) }), let match = reader.bestMatch(s, clause, quantity: q)
        else { return nil }
        var i = match.range.upperBound
        while i < end, SentenceWords.isNoise(s[i]) { i += 1 }
        guard let verb = words.roundMilestoneVerbs.match(s, at: i, end: end) else { return nil }
        let rest = (i + verb.scalars.count)..<end
        return !rest.isEmpty
            && s[rest].allSatisfy({ words.roundMilestoneWords.contains($0) || SentenceWords.isNoise($0) })
            ? match : nil
    }

    /// "新增5家": only words of new additions or stock, and fillers; or a net addition against the year before
    /// ("比上年净增45家").
    private func measureWordsOnly(_ range: Range<Int>) -> Bool {
        if words.measureFiller.covers(s, range, ignoring: SentenceWords.isNoise) { return true }
        var i = range.lowerBound
        while i < range.upperBound, SentenceWords.isNoise(s[i]) { i += 1 }
        guard let comparison = words.comparison.match(s, at: i, end: range.upperBound) else { return false }
        i += comparison.scalars.count
        while i < range.upperBound, SentenceReader.isYearText(s[i]) { i += 1 }
        let rest = i..<range.upperBound
        return words.added.occurs(s, in: rest) && words.measureFiller.covers(s, rest, ignoring: SentenceWords.isNoise)
    }

    /// "35亿元的80项工程": the figure describes the thing after it.
    private func describesWhatFollows(_ k: Int) -> Bool {
        qs[k].end < sentence.upperBound && s[qs[k].end] == Scalar.possessive && !investmentAfter(k)
    }

    /// "54亿元的投资计划": an investment word right after the figure (after 的).
    private func investmentAfter(_ k: Int) -> Bool {
        var i = qs[k].end
        if i < sentence.upperBound, s[i] == Scalar.possessive { i += 1 }
        return words.investment.match(s, at: i, end: sentence.upperBound) != nil
    }

    /// An item of a list: nothing before the figure but a place, numbering and punctuation.
    private func isListItem(_ window: Range<Int>) -> Bool {
        var i = window.lowerBound
        while i < window.upperBound {
            if let m = mentions.first(where: { $0.range.lowerBound == i }) {
                i = m.range.upperBound
            } else if SentenceWords.isNoise(s[i]) || ChineseNumber.isDigit(s[i]) || s[i] == Scalar.dot
                || s[i] == Scalar.colon
            {
                i += 1
            } else {
                return false
            }
        }
        return true
    }

    // MARK: - Drafts

    func newDraft(_ k: Int, evidenceStart: Int, rule: FactDraft.Rule) -> FactDraft {
        let q = qs[k]
        var start = min(evidenceStart, q.start)
        while start < q.start, SentenceWords.isNoise(s[start]) && !LabelMatcher.isQuote(s[start]) { start += 1 }
        var draft = FactDraft(
            quantity: q, label: "", evidence: start..<q.end, sentence: sentence, inHeading: inHeading, rule: rule)
        if let pending = pendingGrowth[k] {
            draft.growth = pending.value
            draft.evidence = start..<max(q.end, pending.end)
        }
        if q.start > sentence.lowerBound, s[q.start - 1] == Scalar.from || s[q.start - 1] == Scalar.fromFormal {
            draft.isSpanStart = true
        }
        return draft
    }

    /// Gives `draft` the matched indicator: a growth-only figure when the quantity is a rate after a growth verb
    /// on a name that is not a rate ("地区生产总值增长7%"); a value otherwise, unless a rate has no growth verb.
    func assign(_ match: LabelMatcher.Match, to draft: inout FactDraft, between: Range<Int>, of k: Int) {
        let q = qs[k]
        if match.range.count > 0 { draft.label = reader.text(s, match.range) }
        if q.isPercent, reader.unitClass(of: match) != .percent {
            guard let sign = reader.growthSign(s, between) ?? (between.isEmpty ? 1 : nil) else { return }
            draft.growthOnly = true
            draft.growth = sign * q.value
        }
        draft.indicator = match.indicator
        draft.name = match.name
        if reader.taxonomy.indicators[match.indicator].isLevel { draft.measure = measure(of: k, rule: draft.rule) }
    }

    /// Stock or new: the marker in the figure's own words; a list member's marker may stand before the whole list
    /// ("新增A企业3家、B企业2家", "新增A、B分别为3家、2家"); with none, the stock.
    func measure(of k: Int, rule: FactDraft.Rule) -> Measure {
        let listed = rule == .respectively || rule == .each || rule == .parenthesizedList
        if let own = reader.measure(s, before: qs[k].start, floor: listed ? clauseStarts[k] : windowStarts[k]) {
            return own
        }
        // "…5家、B企业2家": the item before, joined by a list separator, passes on its new additions.
        // Whether or not the item before has an indicator ("新增国家级…企业3家、省级专精特新企业28家").
        if k > 0, windowStarts[k] == qs[k - 1].end, windowStarts[k] < qs[k].start,
            s[windowStarts[k]] == Scalar.ideographicComma, case .drafted(let d) = roles[k - 1],
            drafts[d]?.measure == .added
                || reader.measure(s, before: qs[k - 1].start, floor: windowStarts[k - 1]) == .added
        {
            return .added
        }
        return .level
    }

    mutating func add(_ draft: FactDraft, for k: Int, reusing: Bool = false) {
        drafts.append(draft)
        if !reusing { roles[k] = .drafted(drafts.count - 1) }
    }

    func finish() -> [FactDraft] { drafts.compactMap { $0 } }
}
