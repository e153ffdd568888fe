/// The year each figure refers to, read like an analyst:
/// - an explicit year sets the context for what follows ("2023年,全镇…", "一、2023年工作回顾", "截至2013年底");
/// - "2015年的8家", "去年的GDP", "“十二五”末的8家" hold only for the next figure; "到2025年" (a horizon) only for its
///   sentence; comparisons ("较2017年", "比去年") set nothing;
/// - 今年/去年/明年 count from the document's date; a part of a year with no year of its own ("上半年", "一季度")
///   means the document's year;
/// - a review heading without a year ("工作回顾") reviews the year before the document's;
/// - 五年来 resolves to the span's last year; 十三五期间 too, for its sentence; 近年来 to the year before the
///   document, for its paragraph.
/// Never the machine's clock: without a written year or a document date, a figure has no year.
struct YearResolver: Sendable {
    enum Scope: Sendable, Equatable {
        /// Holds for everything after it, until the next context year.
        case context
        /// Holds up to a position: the end of its sentence (a horizon: "到2020年…") or of its paragraph (近年来).
        case until(Int)
        /// Holds only for the figure right after it ("2015年的8家").
        case local
    }

    struct Event: Sendable {
        var position: Int
        var year: Int
        var scope: Scope
    }

    /// The lexicon's year phrases, taken once.
    struct Words: Sendable {
        let relative: PhraseList
        let period: PhraseList
        let recent: PhraseList
        let fiveYears: PhraseList
        let planSpan: PhraseList
        let horizon: PhraseList
        let spanAfter: PhraseList
        let spanEnd: PhraseList
        let review: PhraseList
        let comparison: ScalarSet
        /// Characters that may start one of the phrases above, to skip the rest cheaply.
        let firsts: ScalarSet

        init(lexicon: Lexicon) {
            relative = lexicon[.yearRelative]
            period = lexicon[.yearPeriod]
            recent = lexicon[.yearRecent]
            fiveYears = lexicon[.yearFiveYears]
            planSpan = lexicon[.yearPlanSpan]
            horizon = lexicon[.yearHorizon]
            spanAfter = lexicon[.yearSpanAfter]
            spanEnd = lexicon[.yearSpanEnd]
            review = lexicon[.sectionReview]
            comparison = lexicon[.comparison].characters
            firsts = ScalarSet(
                [relative, period, recent, fiveYears, planSpan].flatMap { $0.phrases.compactMap(\.scalars.first) })
        }
    }

    static let writtenYears = 1949...2100
    static let spanLength = 5

    /// Events in text order.
    private(set) var events: [Event] = []
    /// Running context year after each event.
    private var contextAfter: [Int?] = []
    /// The article speaks of a multi-year span (五年来, 十三五期间): its length in years.
    private(set) var spanYears: Int? = nil

    init(_ s: [UInt32], article: Range<Int>, layout: DocumentLayout, documentYear: Int?, words: Words) {
        /// The end of the sentence (or line) holding `i`.
        func sentenceEnd(_ i: Int) -> Int { layout.sentence(containing: i)?.upperBound ?? article.upperBound }
        func lineEnd(_ i: Int) -> Int { layout.line(containing: i)?.range.upperBound ?? article.upperBound }
        /// Whether `i` is in the first sentence of its line.
        func opensLine(_ i: Int) -> Bool {
            guard let line = layout.line(containing: i)?.range, let sentence = layout.sentence(containing: i) else {
                return true
            }
            return sentence.lowerBound <= line.lowerBound
                || s[line.lowerBound..<sentence.lowerBound].allSatisfy { $0 == Scalar.space }
        }
        var i = article.lowerBound
        let end = article.upperBound
        while i < end {
            if ChineseNumber.isDigit(s[i]) || ChineseNumber.yearDigit(s[i]) != nil,
                let year = Self.writtenYear(s, at: i, end: end)
            {
                // A dated header line ("2023年3月20日" under a communiqué's title): the document's date, which the
                // figures fall back to anyway, not the year they are of.
                let length = Self.writtenYearLength(s, at: i)
                if layout.line(containing: i)?.isHeading == true,
                    DocumentDate.date(s, at: i, end: lineEnd(i), shortYear: false) != nil
                {
                    i += length
                    continue
                }
                addWritten(
                    s, at: i, length: length, year: year, article: article, words: words, sentenceEnd: sentenceEnd(i))
                i += length
                continue
            }
            guard words.firsts.contains(s[i]) else {
                i += 1
                continue
            }
            if let phrase = words.relative.match(s, at: i, end: end), let documentYear, let offset = Int(phrase.value) {
                addWritten(
                    s, at: i, length: phrase.scalars.count, year: documentYear + offset, article: article, words: words,
                    sentenceEnd: sentenceEnd(i))
                i += phrase.scalars.count
                continue
            }
            if let phrase = words.period.match(s, at: i, end: end) {
                // "上半年" with no year of its own: the document's year.
                if let documentYear, !Self.followsYear(s, i, floor: article.lowerBound, words: words) {
                    events.append(Event(position: i, year: documentYear, scope: .context))
                }
                i += phrase.scalars.count
                continue
            }
            if let phrase = words.recent.match(s, at: i, end: end), let documentYear {
                // Opening its paragraph it frames the paragraph; later in one, its own sentence (a news text that is
                // one long line goes on to other years and events).
                events.append(
                    Event(
                        position: i, year: documentYear - 1, scope: .until(opensLine(i) ? lineEnd(i) : sentenceEnd(i))))
                i += phrase.scalars.count
                continue
            }
            if let phrase = words.fiveYears.match(s, at: i, end: end), let documentYear {
                spanYears = Self.spanLength
                events.append(Event(position: i, year: documentYear - 1, scope: .context))
                i += phrase.scalars.count
                continue
            }
            if let phrase = words.planSpan.match(s, at: i, end: end), let last = Int(phrase.value) {
                addPlanSpan(
                    s, at: i, length: phrase.scalars.count, last: last, article: article, words: words,
                    sentenceEnd: sentenceEnd(i))
                i += phrase.scalars.count
                continue
            }
            i += 1
        }
        events.sort { $0.position < $1.position }
        // A review heading without a year of its own ("工作回顾", "20XX年工作回顾"): the year before the document's.
        if let documentYear {
            let sorted = events
            for line in layout.lines[layout.lineRange(of: article)]
            where line.isHeading && words.review.occurs(s, in: line.range) && !words.period.occurs(s, in: line.range) {
                let next = sorted.partition { $0.position < line.range.lowerBound }
                guard next == sorted.count || sorted[next].position >= line.range.upperBound else { continue }
                events.append(Event(position: line.range.lowerBound, year: documentYear - 1, scope: .context))
            }
            events.sort { $0.position < $1.position }
        }
        var running: Int? = nil
        for event in events {
            if event.scope == .context { running = event.year }
            contextAfter.append(running)
        }
    }

    /// A year written as four digits and 年 at `i` (not inside a longer number), in the plausible range: Arabic
    /// (2023年, or 2023 年 as bulletins set it) or Chinese digit by digit (二〇二三年, as formal reports write it).
    static func writtenYear(_ s: [UInt32], at i: Int, end: Int) -> Int? {
        guard i + 4 < end,
            s[i + 4] == Scalar.year
                || (s[i + 4] == Scalar.space && i + 5 < end && s[i + 5] == Scalar.year && ChineseNumber.isDigit(s[i]))
        else { return nil }
        let year: Int
        if ChineseNumber.isDigit(s[i]) {
            guard i == 0 || !ChineseNumber.isDigit(s[i - 1]), (1...3).allSatisfy({ ChineseNumber.isDigit(s[i + $0]) })
            else { return nil }
            year = (0..<4).reduce(0) { $0 * 10 + Int(s[i + $1] - 0x30) }
        } else {
            guard i == 0 || ChineseNumber.yearDigit(s[i - 1]) == nil else { return nil }
            var value = 0
            for k in 0..<4 {
                // Digit by digit, Chinese or (mixed in, as some papers print it: 二00四年) Arabic.
                let c = s[i + k]
                guard let d = ChineseNumber.yearDigit(c) ?? (ChineseNumber.isDigit(c) ? Int(c - 0x30) : nil) else {
                    return nil
                }
                value = value * 10 + d
            }
            year = value
        }
        return writtenYears.contains(year) ? year : nil
    }

    /// How many characters a year `writtenYear` read at `i` takes: 2023年, or 2023 年.
    static func writtenYearLength(_ s: [UInt32], at i: Int) -> Int { s[i + 4] == Scalar.year ? 5 : 6 }

    /// Whether a year expression ends right before `i` ("2023年上半年", "今年一季度").
    private static func followsYear(_ s: [UInt32], _ i: Int, floor: Int, words: Words) -> Bool {
        guard i > floor else { return false }
        if s[i - 1] == Scalar.year { return true }
        return words.relative.match(s, endingAt: i, start: max(floor, i - 3)) != nil
    }

    /// A written or relative year: skipped after a comparison word, local before 的 or after 从/由, for its sentence
    /// after a horizon word, context otherwise.
    private mutating func addWritten(
        _ s: [UInt32], at i: Int, length: Int, year: Int, article: Range<Int>, words: Words, sentenceEnd: Int
    ) {
        var before = i - 1
        while before >= article.lowerBound, s[before] == Scalar.space || LabelMatcher.isQuote(s[before]) { before -= 1 }
        if before >= article.lowerBound && words.comparison.contains(s[before]) { return }
        let after = i + length
        if after + 1 < article.upperBound, s[after] == Self.same, s[after + 1] == Self.period { return }  // 去年同期
        let local =
            (after < article.upperBound && s[after] == Scalar.possessive)
            || (before >= article.lowerBound && (s[before] == Scalar.from || s[before] == Scalar.fromFormal))
        let horizon = words.horizon.match(s, endingAt: before + 1, start: article.lowerBound) != nil
        events.append(Event(position: i, year: year, scope: local ? .local : horizon ? .until(sentenceEnd) : .context))
    }

    /// 同期, after a relative year: a comparison base ("去年同期").
    static let same: UInt32 = 0x540C
    static let period: UInt32 = 0x671F

    /// 十三五期间 (a span ending in its last year, for its sentence), 十三五末 (that year, for the next figure);
    /// "较十二五" nothing.
    private mutating func addPlanSpan(
        _ s: [UInt32], at i: Int, length: Int, last: Int, article: Range<Int>, words: Words, sentenceEnd: Int
    ) {
        var k = i + length
        while k < article.upperBound, LabelMatcher.isQuote(s[k]) { k += 1 }
        var before = i - 1
        while before >= article.lowerBound, LabelMatcher.isQuote(s[before]) { before -= 1 }
        if before >= article.lowerBound && words.comparison.contains(s[before]) { return }
        if words.spanEnd.match(s, at: k, end: article.upperBound) != nil {
            events.append(Event(position: i, year: last, scope: .local))
        } else if words.spanAfter.match(s, at: k, end: article.upperBound) != nil {
            spanYears = Self.spanLength
            events.append(Event(position: i, year: last, scope: .until(sentenceEnd)))
        }
    }

    /// The year for a figure at `position`: a local year written since `localFrom`, else the nearest bounded year
    /// still holding there (a horizon in its sentence, 近年来 in its paragraph), else the running context.
    func year(at position: Int, localFrom: Int) -> Int? {
        let lo = events.partition { $0.position < position }
        var k = lo - 1
        while k >= 0 {
            switch events[k].scope {
            case .local where events[k].position >= localFrom: return events[k].year
            case .until(let end) where end > position: return events[k].year
            case .context: return lo > 0 ? contextAfter[lo - 1] : nil
            default: k -= 1
            }
        }
        return nil
    }

    /// The first context year of the article, for figures written before any year.
    var firstContextYear: Int? { events.first { $0.scope == .context }?.year }
}
