/// The year each figure refers to, read like an analyst: an explicit year sets the context for what follows
/// ("2023年,全镇…", "一、2023年工作回顾", "2023年以来"); "2015年的8家" or "“十二五”末的8家" is local to the next
/// figure; comparisons ("较2017年") set nothing; 今年/去年/明年 count from the document's own date when it can be read
/// ("3月19日开幕的…2024年"); 五年来 and 十三五 spans resolve to their last year.
struct YearResolver: Sendable {
    enum Scope: Sendable { case context, local }

    struct Event: Sendable {
        var position: Int
        var year: Int
        var scope: Scope
    }

    /// Events in text order.
    private(set) var events: [Event] = []
    /// Running context year after each event.
    private var contextAfter: [Int?] = []
    /// The article speaks of a multi-year span (五年来, 十三五期间): its length in years.
    private(set) var spanYears: Int? = nil

    static let planSpans: [([UInt32], Int)] = [("十一五", 2010), ("十二五", 2015), ("十三五", 2020), ("十四五", 2025), ("十五五", 2030)]
        .map { ($0.0.scalarValues, $0.1) }
    static let fiveYears = ["五年来", "过去五年", "近五年", "五年间", "五年中"].map(\.scalarValues)
    static let comparisons = ScalarSet("较比与同于")

    init(_ s: [UInt32], article: Range<Int>, documentYear: Int?) {
        var i = article.lowerBound
        let end = article.upperBound
        while i < end {
            let c = s[i]
            if ChineseNumber.isDigit(c), i + 4 < end, i == 0 || !ChineseNumber.isDigit(s[i - 1]), s[i + 4] == 0x5E74,
                (1...3).allSatisfy({ ChineseNumber.isDigit(s[i + $0]) })
            {
                let year = (0..<4).reduce(0) { $0 * 10 + Int(s[i + $1] - 0x30) }
                if (1949...2100).contains(year) { add(s, at: i, length: 5, year: year, article: article) }
                i += 5
                continue
            }
            if c == 0x5E74, i > article.lowerBound, let documentYear {  // 今年 去年 明年 前年
                let offset: Int? =
                    switch s[i - 1] {
                    case 0x4ECA: 0
                    case 0x53BB: -1
                    case 0x660E: 1
                    case 0x524D: -2
                    default: nil
                    }
                let sameTerm = i + 2 < end && s[i + 1] == 0x540C && s[i + 2] == 0x671F  // 同期
                if let offset, !sameTerm { add(s, at: i - 1, length: 2, year: documentYear + offset, article: article) }
            }
            if c == 0x8FD1, let documentYear, i + 2 < end, s[i + 1] == 0x5E74, s[i + 2] == 0x6765 || s[i + 2] == 0x4EE5 {
                // 近年来: the years up to the one before the document.
                events.append(Event(position: i, year: documentYear - 1, scope: .context))
            }
            if c == 0x4E94, let documentYear {  // 五年来 …
                for phrase in Self.fiveYears {
                    let start = i - (phrase.firstIndex(of: 0x4E94) ?? 0)
                    if start >= article.lowerBound, start + phrase.count <= end,
                        s[start..<(start + phrase.count)].elementsEqual(phrase)
                    {
                        spanYears = 5
                        events.append(Event(position: start, year: documentYear - 1, scope: .context))
                        break
                    }
                }
            }
            if c == 0x5341 {  // 十X五
                for (text, last) in Self.planSpans {
                    guard i + text.count <= end, s[i..<(i + text.count)].elementsEqual(text) else { continue }
                    var k = i + text.count
                    while k < end, LabelMatcher.isQuote(s[k]) { k += 1 }
                    var before = i - 1
                    while before >= article.lowerBound, LabelMatcher.isQuote(s[before]) { before -= 1 }
                    if before >= article.lowerBound && Self.comparisons.contains(s[before]) { break }
                    if k < end && s[k] == 0x672B {  // 末
                        events.append(Event(position: i, year: last, scope: .local))
                    } else if k + 1 < end, s[k] == 0x671F || s[k] == 0x4EE5 || s[k] == 0x65F6 {  // 期间 以来 时期
                        spanYears = 5
                        events.append(Event(position: i, year: last, scope: .context))
                    }
                    break
                }
            }
            i += 1
        }
        events.sort { $0.position < $1.position }
        var running: Int? = nil
        for event in events {
            if event.scope == .context { running = event.year }
            contextAfter.append(running)
        }
    }

    private mutating func add(_ s: [UInt32], at i: Int, length: Int, year: Int, article: Range<Int>) {
        var before = i - 1
        while before >= article.lowerBound, s[before] == 0x20 { before -= 1 }
        if before >= article.lowerBound && Self.comparisons.contains(s[before]) { return }
        if before > article.lowerBound && s[before] == 0x6BD4 { return }
        let after = i + length
        let local = (after < article.upperBound && s[after] == 0x7684)  // 2015年的
            || (before >= article.lowerBound && (s[before] == 0x4ECE || s[before] == 0x7531))  // 从 由
        events.append(Event(position: i, year: year, scope: local ? .local : .context))
    }

    /// The year for a figure at `position`: a local year written since `localFrom`, else the running context.
    func year(at position: Int, localFrom: Int) -> Int? {
        var lo = 0, hi = events.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if events[mid].position < position { lo = mid + 1 } else { hi = mid }
        }
        var k = lo - 1
        while k >= 0, events[k].position >= localFrom {
            if events[k].scope == .local { return events[k].year }
            k -= 1
        }
        return lo > 0 ? contextAfter[lo - 1] : nil
    }

    /// The first context year of the article, for figures written before any year.
    var firstContextYear: Int? { events.first { $0.scope == .context }?.year }

    /// The year a document was written, when a dated event sits in a sentence with an explicit year
    /// ("记者从3月19日开幕的…会议上获悉,2024年,…").
    static func documentYear(_ s: [UInt32], sentences: [Range<Int>]) -> Int? {
        for sentence in sentences {
            var hasDate = false
            var year: Int? = nil
            var i = sentence.lowerBound
            while i < sentence.upperBound {
                if s[i] == 0x6708, i > sentence.lowerBound, ChineseNumber.isDigit(s[i - 1]), i + 2 < sentence.upperBound,
                    ChineseNumber.isDigit(s[i + 1])
                {
                    var k = i + 1
                    while k < sentence.upperBound, ChineseNumber.isDigit(s[k]) { k += 1 }
                    if k < sentence.upperBound && s[k] == 0x65E5 { hasDate = true }
                }
                if year == nil, ChineseNumber.isDigit(s[i]), i + 4 < sentence.upperBound, s[i + 4] == 0x5E74,
                    (1...3).allSatisfy({ ChineseNumber.isDigit(s[i + $0]) })
                {
                    let value = (0..<4).reduce(0) { $0 * 10 + Int(s[i + $1] - 0x30) }
                    if (1949...2100).contains(value) { year = value }
                }
                i += 1
            }
            if hasDate, let year { return year }
        }
        return nil
    }
}
