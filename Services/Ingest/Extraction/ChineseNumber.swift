import Foundation

/// Reads the numerals of Chinese reports as exact decimals: Arabic digits (decimals, thousands separators) and
/// Chinese numerals (一百二十, 两, 三千, 十). Multipliers (万/亿) and 余/多 are left to `QuantityScanner`, which
/// keeps them in the unit as written (9000余万元 → 9000, 万元).
enum ChineseNumber {
    /// An Arabic number starting at `start`: its value and the index after it. Thousands separators are accepted
    /// only as `,ddd` groups followed by a non-digit, so "10个,总投资" is not read as a separator. The value is NaN
    /// when the run has more digits than a figure has (`maxDigits`).
    static func arabic(_ s: [UInt32], at start: Int, end: Int) -> (value: Decimal, end: Int)? {
        var i = start
        var significand: UInt64 = 0
        var digits = 0
        var fraction = 0
        var overflowScale = 0
        func take(_ d: UInt32, isFraction: Bool) {
            if digits < 18 {
                significand = significand * 10 + UInt64(d - 0x30)
                digits += significand == 0 ? 0 : 1
                if isFraction { fraction += 1 }
            } else if !isFraction {
                overflowScale += 1
            }
        }
        guard i < end, isDigit(s[i]) else { return nil }
        while i < end {
            let c = s[i]
            if isDigit(c) {
                take(c, isFraction: false)
                i += 1
            } else if c == 0x2C, i + 3 < end || i + 3 == end,
                (1...3).allSatisfy({ i + $0 < end && isDigit(s[i + $0]) }),
                i + 4 >= end || !isDigit(s[i + 4])
            {
                i += 1  // thousands separator
            } else {
                break
            }
        }
        if i + 1 < end, s[i] == 0x2E, isDigit(s[i + 1]) {
            i += 1
            while i < end, isDigit(s[i]) {
                take(s[i], isFraction: true)
                i += 1
            }
        }
        // Past `maxDigits` a run of digits is no figure (a code, a hash, noise), and its exponent could leave
        // Decimal's range: NaN says so, and the scanner reads nothing there.
        guard digits + overflowScale <= maxDigits else { return (.nan, i) }
        let value = Decimal(sign: .plus, exponent: overflowScale - fraction, significand: Decimal(significand))
        return (value, i)
    }

    /// The most significant digits a figure has (a yuan amount in the trillions has 13–15).
    static let maxDigits = 30

    @inline(__always) static func isDigit(_ c: UInt32) -> Bool { c >= 0x30 && c <= 0x39 }

    /// 余 and 多 after a number: "more than" (9000余万元, 百余场).
    static let yu: UInt32 = 0x4F59
    static let duo: UInt32 = 0x591A

    /// The value of one Chinese digit character, nil for anything else.
    @inline(__always) static func digit(_ c: UInt32) -> Int? {
        switch c {
        case 0x96F6, 0x3007: return 0  // 零 〇
        case 0x4E00: return 1  // 一
        case 0x4E8C, 0x4E24: return 2  // 二 两
        case 0x4E09: return 3
        case 0x56DB: return 4
        case 0x4E94: return 5
        case 0x516D: return 6
        case 0x4E03: return 7
        case 0x516B: return 8
        case 0x4E5D: return 9
        default: return nil
        }
    }

    /// 十 百 千 as small place values.
    @inline(__always) static func place(_ c: UInt32) -> Int? {
        switch c {
        case 0x5341: return 10
        case 0x767E: return 100
        case 0x5343: return 1000
        default: return nil
        }
    }

    static func isChineseNumeral(_ c: UInt32) -> Bool { digit(c) != nil || place(c) != nil }

    /// A digit of a year written in Chinese, one character per digit (二〇二三): 两 is never one.
    static func yearDigit(_ c: UInt32) -> Int? { c == liang ? nil : digit(c) }
    static let liang: UInt32 = 0x4E24

    /// 点, the decimal point of a Chinese numeral (七点五).
    static let point: UInt32 = 0x70B9

    /// A Chinese numeral with a decimal part written digit by digit (七点五 → 7.5, 十二点零五 → 12.05).
    static func chineseDecimal(_ s: [UInt32], at start: Int, end: Int) -> (value: Decimal, end: Int)? {
        guard let whole = chinese(s, at: start, end: end) else { return nil }
        guard whole.end + 1 < end, s[whole.end] == point, digit(s[whole.end + 1]) != nil else {
            return (whole.value, whole.end)
        }
        var i = whole.end + 1
        var fraction = ""
        while i < end, let d = digit(s[i]) {
            fraction += String(d)
            i += 1
        }
        return (Decimal(string: "\(whole.value).\(fraction)") ?? whole.value, i)
    }

    /// A Chinese numeral below 10,000 (一百二十, 两, 三千, 十): value, end index, and whether it was a lone place
    /// character (十/百/千), which only counts as a number before 余/多 (百余场 yes, 千园 no).
    static func chinese(_ s: [UInt32], at start: Int, end: Int) -> (value: Decimal, end: Int, lonePlace: Bool)? {
        var i = start
        var total = 0
        var pending = 0
        var sawDigit = false
        var characters = 0
        while i < end {
            let c = s[i]
            if let d = digit(c) {
                if sawDigit && pending != 0 { break }  // 三五: not a standard numeral
                pending = d
                sawDigit = true
            } else if let p = place(c) {
                total += (pending == 0 && !sawDigit ? 1 : pending) * p
                pending = 0
                sawDigit = false
            } else {
                break
            }
            characters += 1
            i += 1
        }
        guard characters > 0 else { return nil }
        total += pending
        return (Decimal(total), i, characters == 1 && place(s[start]) != nil)
    }
}
