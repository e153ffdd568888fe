import Foundation

/// Reads a document's own date from its text: a date line among its first lines ("日期：2023-07-31",
/// "发稿时间：2021/6/9", "Date: 2018-09-05"), a date opening the text (a news corpus's "2023-07-31 19:33，正文："),
/// a line that starts with one (a report's "——2016年2月19日在…会议上", an e-paper's page date), or a newspaper's dateline
/// followed by one ("本报讯（记者 …）2025年1月15日，"). Failing that, the
/// year of a dated event ("记者从3月19日开幕的…会议上获悉,2024年,…").
struct DocumentDate: Sendable {
    /// How many lines from the top a date line may be.
    static let headerLines = 15
    /// A date line is short; a longer line is prose, where a date is an event.
    static let dateLineMaximum = 80
    static let years = 1949...2100
    static let leaders = ScalarSet("—-─ ")
    static let separators = ScalarSet("-/.")

    let labels: PhraseList

    init(lexicon: Lexicon) {
        labels = lexicon[.dateLabel]
    }

    func read(_ s: [UInt32], layout: DocumentLayout) -> CalendarDate? {
        for (k, line) in layout.lines.prefix(Self.headerLines).enumerated() {
            var i = line.range.lowerBound
            while i < line.range.upperBound, Self.leaders.contains(s[i]) { i += 1 }
            if let date = Self.date(s, at: i, end: line.range.upperBound, shortYear: k == 0) { return date.value }
            // A dateline and the day it reports: "本报讯（记者 …）2025年1月15日，…".
            if let dateline = DocumentLayout.datelineRange(s, line.range) {
                var j = dateline.upperBound
                while j < line.range.upperBound, s[j] == Scalar.space { j += 1 }
                if let date = Self.date(s, at: j, end: line.range.upperBound, shortYear: false) { return date.value }
            }
            guard line.range.count <= Self.dateLineMaximum else { continue }
            var at = line.range.lowerBound
            while let found = labels.firstMatch(s, in: at..<line.range.upperBound) {
                var j = found.at + found.phrase.scalars.count
                while j < line.range.upperBound, s[j] == Scalar.space || s[j] == Scalar.colon || s[j] == Scalar.comma {
                    j += 1
                }
                if let date = Self.date(s, at: j, end: line.range.upperBound, shortYear: false) { return date.value }
                at = found.at + 1
            }
        }
        return nil
    }

    /// A full date at `i`: YYYY-M-D, YYYY/M/D, YYYY.M.D, YYYY年M月D日, or YY-MM-DD when `shortYear` (a corpus's
    /// prefix at the very start of a text).
    static func date(_ s: [UInt32], at i: Int, end: Int, shortYear: Bool) -> (value: CalendarDate, end: Int)? {
        if i < end, ChineseNumber.yearDigit(s[i]) != nil { return chineseDate(s, at: i, end: end) }
        if let date = dayMonthYear(s, at: i, end: end) { return date }
        guard let (year, afterYear, digits) = number(s, at: i, end: end), digits == 4 || (shortYear && digits == 2),
            afterYear < end
        else { return nil }
        let fullYear = digits == 2 ? 2000 + year : year
        guard years.contains(fullYear) else { return nil }
        let separator = s[afterYear]
        if separators.contains(separator) {
            guard let (month, afterMonth, _) = number(s, at: afterYear + 1, end: end), afterMonth < end,
                s[afterMonth] == separator, let (day, afterDay, _) = number(s, at: afterMonth + 1, end: end),
                let date = CalendarDate(year: fullYear, month: month, day: day)
            else { return nil }
            return (date, afterDay)
        }
        guard separator == Scalar.year, digits == 4,
            let (month, afterMonth, _) = number(s, at: afterYear + 1, end: end), afterMonth < end,
            s[afterMonth] == Scalar.month, let (day, afterDay, _) = number(s, at: afterMonth + 1, end: end),
            afterDay < end, s[afterDay] == Scalar.day, let date = CalendarDate(year: fullYear, month: month, day: day)
        else { return nil }
        return (date, afterDay + 1)
    }

    /// D.M.YYYY ("26.07.2016"), as some pages date their stories.
    static func dayMonthYear(_ s: [UInt32], at i: Int, end: Int) -> (value: CalendarDate, end: Int)? {
        guard let (day, afterDay, _) = number(s, at: i, end: end), afterDay < end, s[afterDay] == Scalar.dot,
            let (month, afterMonth, _) = number(s, at: afterDay + 1, end: end), afterMonth < end,
            s[afterMonth] == Scalar.dot,
            let (year, afterYear, digits) = number(s, at: afterMonth + 1, end: end), digits == 4, years.contains(year),
            let date = CalendarDate(year: year, month: month, day: day)
        else { return nil }
        return (date, afterYear)
    }

    /// 二〇二四年一月十五日, as formal reports date themselves.
    static func chineseDate(_ s: [UInt32], at i: Int, end: Int) -> (value: CalendarDate, end: Int)? {
        guard let year = YearResolver.writtenYear(s, at: i, end: end),
            let month = ChineseNumber.chinese(s, at: i + 5, end: end), month.end < end, s[month.end] == Scalar.month,
            let day = ChineseNumber.chinese(s, at: month.end + 1, end: end), day.end < end, s[day.end] == Scalar.day,
            let date = CalendarDate(
                year: year, month: NSDecimalNumber(decimal: month.value).intValue,
                day: NSDecimalNumber(decimal: day.value).intValue)
        else { return nil }
        return (date, day.end + 1)
    }

    /// Digits at `i`: value, the index after them and their count.
    private static func number(_ s: [UInt32], at i: Int, end: Int) -> (Int, Int, Int)? {
        var k = i
        var value = 0
        while k < end, k - i < 4, ChineseNumber.isDigit(s[k]) {
            value = value * 10 + Int(s[k] - 0x30)
            k += 1
        }
        guard k > i, k == end || !ChineseNumber.isDigit(s[k]) else { return nil }
        return (value, k, k - i)
    }

    /// Whether the month at `month` is written with its year ("2011年6月19日": a dated fact of its own, not the
    /// document's day).
    private static func hasOwnYear(_ s: [UInt32], month: Int, floor: Int) -> Bool {
        var k = month - 1
        while k >= floor, ChineseNumber.isDigit(s[k]) { k -= 1 }
        return k >= floor && s[k] == Scalar.year
    }

    /// The year of the first sentence that holds both a day written without its year ("3月19日") and a year
    /// ("2024年"): a dated event ("记者从3月19日开幕的…会议上获悉,2024年,…").
    static func eventYear(_ s: [UInt32], sentences: [Range<Int>]) -> Int? {
        for sentence in sentences {
            var hasDay = false
            var year: Int? = nil
            var i = sentence.lowerBound
            while i < sentence.upperBound {
                if s[i] == Scalar.month, i > sentence.lowerBound, ChineseNumber.isDigit(s[i - 1]),
                    i + 2 < sentence.upperBound, ChineseNumber.isDigit(s[i + 1]),
                    !hasOwnYear(s, month: i, floor: sentence.lowerBound)
                {
                    var k = i + 1
                    while k < sentence.upperBound, ChineseNumber.isDigit(s[k]) { k += 1 }
                    if k < sentence.upperBound && s[k] == Scalar.day { hasDay = true }
                }
                if year == nil, let found = YearResolver.writtenYear(s, at: i, end: sentence.upperBound) {
                    year = found
                }
                i += 1
            }
            if hasDay, let year { return year }
        }
        return nil
    }
}
