import Foundation
import ZhibiaoModels

/// Finds the quantities of a stretch of normalized text: a number (Arabic, Chinese or mixed), 余/多, a multiplier,
/// a unit from `UnitCatalog`, and the qualifiers around them. Years (2023年), dates (3月19日), ordinals (第十四届),
/// codes (PM2.5, 4A), ranges (2-3个) and ratios (0.02:47.54:52.44) are not quantities.
struct QuantityScanner: Sendable {
    let units = UnitCatalog.shared

    func scan(_ s: [UInt32], _ range: Range<Int>) -> [Quantity] {
        var result: [Quantity] = []
        var i = range.lowerBound
        let end = range.upperBound
        while i < end {
            let c = s[i]
            if ChineseNumber.isDigit(c) {
                let parsed = ChineseNumber.arabic(s, at: i, end: end)!
                if let q = quantity(s, numberStart: i, value: parsed.value, after: parsed.end, range: range, arabic: true) {
                    result.append(q)
                    i = q.end
                } else {
                    i = parsed.end
                    while i < end, ChineseNumber.isDigit(s[i]) || s[i] == 0x2E { i += 1 }
                }
            } else if ChineseNumber.isChineseNumeral(c), i == range.lowerBound || !ChineseNumber.isChineseNumeral(s[i - 1]) {
                let parsed = ChineseNumber.chinese(s, at: i, end: end)!
                let lone = parsed.lonePlace
                let nextIsApprox = parsed.end < end && (s[parsed.end] == 0x4F59 || s[parsed.end] == 0x591A)
                // A lone 一 (一年来, 一批) or a lone 十/百/千 without 余/多 (千园, 万人助万企) is idiom, not a figure.
                let idiom = (parsed.value == 1 && parsed.end - i == 1) || (lone && !nextIsApprox)
                if !idiom, let q = quantity(s, numberStart: i, value: parsed.value, after: parsed.end, range: range, arabic: false) {
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

    private func quantity(_ s: [UInt32], numberStart: Int, value: Decimal, after: Int, range: Range<Int>, arabic: Bool)
        -> Quantity?
    {
        let end = range.upperBound
        let before = numberStart > range.lowerBound ? s[numberStart - 1] : 0x20
        let before2 = numberStart - 1 > range.lowerBound ? s[numberStart - 2] : 0x20
        // Codes and ordinals: PM2.5, 4A级, 第5, 1+9; ranges 2-3个; the right side of a ratio.
        if isASCIILetter(before) || before == 0x7B2C /* 第 */ || before == 0x2B || before == 0x2E { return nil }
        if (before == 0x2D || before == 0x7E || before == 0x3A) && ChineseNumber.isDigit(before2) { return nil }
        var i = after
        if i < end {
            let c = s[i]
            if isASCIILetter(c) || c == 0x3A || c == 0x2D || c == 0x7E || c == 0x2B || c == 0x2F { return nil }
            // Years, months, days, times: 2023年, 3月, 19日, 12时.
            if c == 0x5E74 || c == 0x6708 || c == 0x65E5 || c == 0x53F7 || c == 0x65F6 { return nil }
        }
        var qualifier = Qualifier.exact
        func takeApprox() {
            if i < end, s[i] == 0x4F59 || s[i] == 0x591A {  // 余 多
                qualifier = .approx
                i += 1
            }
        }
        takeApprox()
        var multiplierText = ""
        // Nil means ×1. Decimal results are always compact, so leaving out a multiplication by 1 changes no digit of
        // the output, and it is the most common case (10万元 has one factor, 12个 none).
        var factor: Decimal? = nil
        if let m = UnitCatalog.multiplier(in: s, at: i, end: end) {
            multiplierText = m.text
            factor = m.factor
            i += m.length
            takeApprox()
        }
        var unit: String? = nil
        var unitClass: UnitClass? = nil
        if let u = units.unit(in: s, at: i, end: end) {
            unit = multiplierText + u.text
            unitClass = u.unitClass
            if let unitFactor = u.factor { factor = factor.map { $0 * unitFactor } ?? unitFactor }
            i += u.scalars.count
        } else if !multiplierText.isEmpty && arabic {
            unit = multiplierText
        } else {
            return nil
        }
        // Qualifiers written after the unit.
        if let (q, length) = Self.suffixQualifier(s, at: i, end: end) {
            qualifier = q
            i += length
        }
        var start = numberStart
        if let (q, length) = Self.prefixQualifier(s, before: numberStart, lowerBound: range.lowerBound) {
            if qualifier == .exact || q == .atMost { qualifier = q }
            start -= length
        }
        return Quantity(
            start: start, numberStart: numberStart, end: i, value: value, unit: unit, unitClass: unitClass,
            baseValue: factor.map { value * $0 } ?? value, qualifier: qualifier)
    }

    @inline(__always) func isASCIILetter(_ c: UInt32) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }

    static let suffixes: [([UInt32], Qualifier)] = [
        ("以上", Qualifier.atLeast), ("以内", .atMost), ("以下", .atMost), ("左右", .approx), ("上下", .approx),
    ].map { ($0.0.scalarValues, $0.1) }

    static let prefixes: [([UInt32], Qualifier)] = [
        ("不超过", Qualifier.atMost), ("不高于", .atMost), ("不低于", .atLeast), ("不少于", .atLeast),
        ("超过", .atLeast), ("突破", .atLeast), ("高于", .atLeast), ("逾", .atLeast), ("超", .atLeast),
        ("控制在", .atMost), ("不足", .atMost), ("不到", .atMost), ("低于", .atMost),
        ("接近", .approx), ("将近", .approx), ("大约", .approx), ("约", .approx), ("近", .approx),
    ].map { ($0.0.scalarValues, $0.1) }

    static func suffixQualifier(_ s: [UInt32], at i: Int, end: Int) -> (Qualifier, Int)? {
        for (text, q) in suffixes where i + text.count <= end && s[i..<(i + text.count)].elementsEqual(text) {
            return (q, text.count)
        }
        return nil
    }

    /// Characters before 约/近/超 that make a word rather than a qualifier (签约, 邀约, 最近, 赶超 …).
    static let compoundHeads = ScalarSet("签邀节预制契特履相合违公条践大最附接将靠赶高")

    static func prefixQualifier(_ s: [UInt32], before i: Int, lowerBound: Int) -> (Qualifier, Int)? {
        for (text, q) in prefixes where i - text.count >= lowerBound && s[(i - text.count)..<i].elementsEqual(text) {
            let head = i - text.count - 1
            if text.count == 1, head >= lowerBound, compoundHeads.contains(s[head]) { return nil }
            return (q, text.count)
        }
        return nil
    }
}
