import Foundation
import ZhibiaoFacts

/// Finds the quantities of a stretch of normalized text: a number (Arabic, Chinese or mixed), 余/多, a multiplier,
/// a unit from `UnitCatalog`, and the qualifiers around them (`quantities.tsv`). Years (2023年), dates (3月19日),
/// ordinals (第十四届), codes (PM2.5, 4A), ranges (2-3个) and ratios (0.02:47.54:52.44) are not quantities. A number
/// right after an ASCII word of two letters or more keeps its label ("GDP1955.9亿元").
struct QuantityScanner: Sendable {
    let units: UnitCatalog
    private let prefixes: PhraseList
    private let suffixes: PhraseList
    private let falseFriends: PhraseList
    private let notAfterNumber: ScalarSet

    init(lexicon: Lexicon) throws {
        units = try UnitCatalog(lexicon: lexicon)
        prefixes = lexicon[.qualifierPrefix]
        suffixes = lexicon[.qualifierSuffix]
        falseFriends = lexicon[.qualifierFalseFriend]
        notAfterNumber = lexicon.characters(.numberNotQuantityAfter)
        for phrase in prefixes.phrases + suffixes.phrases where Qualifier(rawValue: phrase.value) == nil {
            throw ExtractionError(
                .badLexiconFile, file: "quantities.tsv",
                detail: "qualifier \(String(scalarValues: phrase.scalars)): unknown qualifier '\(phrase.value)'")
        }
    }

    func scan(_ s: [UInt32], _ range: Range<Int>) -> [Quantity] {
        var result: [Quantity] = []
        var i = range.lowerBound
        let end = range.upperBound
        while i < end {
            let c = s[i]
            if c == Self.percentOpening[0], let q = spelledPercent(s, at: i, end: end) {
                result.append(q)
                i = q.end
            } else if ChineseNumber.isDigit(c) {
                let parsed = ChineseNumber.arabic(s, at: i, end: end)!
                if !parsed.value.isNaN,
                    let q = quantity(
                        s, numberStart: i, value: parsed.value, after: parsed.end, range: range, arabic: true)
                {
                    result.append(q)
                    i = q.end
                } else {
                    i = parsed.end
                    while i < end, ChineseNumber.isDigit(s[i]) || s[i] == 0x2E { i += 1 }
                }
            } else if ChineseNumber.isChineseNumeral(c),
                i == range.lowerBound || !ChineseNumber.isChineseNumeral(s[i - 1])
            {
                let parsed = ChineseNumber.chinese(s, at: i, end: end)!
                let lone = parsed.lonePlace
                let nextIsApprox =
                    parsed.end < end && (s[parsed.end] == ChineseNumber.yu || s[parsed.end] == ChineseNumber.duo)
                // A lone 一 (一年来, 一批) or a lone 十/百/千 without 余/多 (千园, 万人助万企) is idiom, not a figure.
                let idiom = (parsed.value == 1 && parsed.end - i == 1) || (lone && !nextIsApprox)
                if !idiom,
                    let q = quantity(
                        s, numberStart: i, value: parsed.value, after: parsed.end, range: range, arabic: false)
                {
                    result.append(q)
                    i = q.end
                } else {
                    i = parsed.end
                }
            } else {
                i += 1
            }
        }
        return result
    }

    /// 百分之: a percentage spelled out ("增长百分之七点五").
    static let percentOpening = "百分之".scalarValues

    /// "百分之八", "百分之7.5": a percent quantity starting at `i`.
    private func spelledPercent(_ s: [UInt32], at i: Int, end: Int) -> Quantity? {
        let numberStart = i + Self.percentOpening.count
        guard numberStart < end, s[i..<numberStart].elementsEqual(Self.percentOpening) else { return nil }
        let parsed: (value: Decimal, end: Int)?
        if ChineseNumber.isDigit(s[numberStart]) {
            parsed = ChineseNumber.arabic(s, at: numberStart, end: end)
        } else {
            parsed = ChineseNumber.chineseDecimal(s, at: numberStart, end: end)
        }
        guard let parsed, !parsed.value.isNaN else { return nil }
        var qualifier = Qualifier.exact
        var after = parsed.end
        if let suffix = suffixes.match(s, at: after, end: end) {
            qualifier = Qualifier(rawValue: suffix.value)!
            after += suffix.scalars.count
        }
        return Quantity(
            start: i, numberStart: numberStart, end: after, value: parsed.value, unit: "%", unitClass: .percent,
            baseValue: parsed.value, qualifier: qualifier)
    }

    private func quantity(_ s: [UInt32], numberStart: Int, value: Decimal, after: Int, range: Range<Int>, arabic: Bool)
        -> Quantity?
    {
        let end = range.upperBound
        let before = numberStart > range.lowerBound ? s[numberStart - 1] : Scalar.space
        let before2 = numberStart - 1 > range.lowerBound ? s[numberStart - 2] : Scalar.space
        // Codes and ordinals: PM2.5, A1, 第5, 1+9; ranges 2-3个; the right side of a ratio. A word of two letters or
        // more before the number is a label glued to it (GDP1955.9亿元): its unit still has to follow.
        if Scalar.isASCIILetter(before) && !Scalar.isASCIILetter(before2) { return nil }
        if before == Scalar.ordinal || before == Scalar.plus || before == Scalar.dot { return nil }
        if (before == Scalar.hyphen || before == Scalar.tilde || before == Scalar.colon)
            && ChineseNumber.isDigit(before2)
        {
            return nil
        }
        var i = after
        // "2,156.3 亿元", "5.1 %": a space or two between a number and its unit, as bulletins set them.
        if arabic, i < end, s[i] == Scalar.space {
            var j = i
            while j < end, j - i < 2, s[j] == Scalar.space { j += 1 }
            if units.multiplier(in: s, at: j, end: end) != nil || units.unit(in: s, at: j, end: end) != nil { i = j }
        }
        if i < end {
            let c = s[i]
            if Scalar.isASCIILetter(c) || c == Scalar.colon || c == Scalar.hyphen || c == Scalar.tilde
                || c == Scalar.plus
                || c == Scalar.slash
            {
                return nil
            }
            if notAfterNumber.contains(c) { return nil }  // 2023年, 3月, 19日, 12时
        }
        var qualifier = Qualifier.exact
        func takeApprox() {
            if i < end, s[i] == ChineseNumber.yu || s[i] == ChineseNumber.duo {
                qualifier = .approx
                i += 1
            }
        }
        takeApprox()
        var multiplierText = ""
        var implied: UnitClass? = nil
        // Nil means ×1. Decimal results are always compact, so leaving out a multiplication by 1 changes no digit of
        // the output, and it is the most common case (10万元 has one factor, 12个 none).
        var factor: Decimal? = nil
        if let m = units.multiplier(in: s, at: i, end: end) {
            multiplierText = m.text
            factor = m.factor
            implied = m.alone
            i += m.length
            takeApprox()
        }
        var unit: String? = nil
        var unitClass: UnitClass? = nil
        if let u = units.unit(in: s, at: i, end: end) {
            unit = multiplierText + u.text
            unitClass = u.unitClass
            implied = nil
            if let unitFactor = u.factor { factor = factor.map { $0 * unitFactor } ?? unitFactor }
            i += u.scalars.count
        } else if !multiplierText.isEmpty && arabic {
            unit = multiplierText
        } else {
            return nil
        }
        // Qualifiers written after the unit.
        if let suffix = suffixes.match(s, at: i, end: end) {
            qualifier = Qualifier(rawValue: suffix.value)!
            i += suffix.scalars.count
        }
        var start = numberStart
        var value = value
        // "增长-2.3%": a minus sign (not a range's dash, which follows a digit) makes the figure negative.
        if before == Scalar.hyphen, !ChineseNumber.isDigit(before2), numberStart > range.lowerBound {
            value = -value
            start -= 1
        }
        if let prefix = prefixes.match(s, endingAt: start, start: range.lowerBound),
            !isFalseFriend(s, of: prefix, before: start, lowerBound: range.lowerBound)
        {
            let q = Qualifier(rawValue: prefix.value)!
            if qualifier == .exact || q == .atMost { qualifier = q }
            start -= prefix.scalars.count
        }
        return Quantity(
            start: start, numberStart: numberStart, end: i, value: value, unit: unit, unitClass: unitClass,
            baseValue: factor.map { value * $0 } ?? value, qualifier: qualifier, implied: implied)
    }

    /// Whether the qualifier word before the number is part of a longer ordinary word (签约, 最近, 赶超 …).
    private func isFalseFriend(_ s: [UInt32], of prefix: PhraseList.Phrase, before i: Int, lowerBound: Int) -> Bool {
        guard let word = falseFriends.match(s, endingAt: i, start: lowerBound) else { return false }
        return word.scalars.count > prefix.scalars.count
    }
}

/// Named scalars the scanners compare against.
enum Scalar {
    static let space: UInt32 = 0x20
    static let newline: UInt32 = 0x0A
    static let dot: UInt32 = 0x2E
    static let comma: UInt32 = 0x2C
    static let colon: UInt32 = 0x3A
    static let semicolon: UInt32 = 0x3B
    static let hyphen: UInt32 = 0x2D
    static let tilde: UInt32 = 0x7E
    static let plus: UInt32 = 0x2B
    static let slash: UInt32 = 0x2F
    static let hash: UInt32 = 0x23
    static let openParen: UInt32 = 0x28
    static let closeParen: UInt32 = 0x29
    static let ideographicComma: UInt32 = 0x3001  // 、
    static let ideographicStop: UInt32 = 0x3002  // 。
    /// 第, before an ordinal.
    static let ordinal: UInt32 = 0x7B2C
    /// 年, after a year.
    static let year: UInt32 = 0x5E74
    /// 月 and 日, in a date.
    static let month: UInt32 = 0x6708
    static let day: UInt32 = 0x65E5
    /// 的, which makes a year local ("2015年的8家").
    static let possessive: UInt32 = 0x7684
    /// 从 and 由, which open a span ("从13.7万增至19.7万").
    static let from: UInt32 = 0x4ECE
    static let fromFormal: UInt32 = 0x7531
    /// 等, ending a run of examples ("新引进甲、乙等项目").
    static let etc: UInt32 = 0x7B49

    @inline(__always) static func isASCIILetter(_ c: UInt32) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }
    @inline(__always) static func isHan(_ c: UInt32) -> Bool { c >= 0x4E00 && c <= 0x9FFF }
}
