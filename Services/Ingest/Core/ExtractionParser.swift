import Foundation
import ZhibiaoExtraction
import ZhibiaoModels

/// The adapter from the extraction engine to `DocumentParser`: the only file in ZhibiaoIngest that touches
/// ZhibiaoExtraction.
///
/// TEMPORARY: the engine (branch `extraction`) has no API yet, so this file carries a deliberately small parser —
/// strict UTF-8 / BOM-marked UTF-16 decoding, one article per `# ` heading, and figures of the shape
/// "label + number + unit (+ growth)". It is real enough to drive the queue end to end and is replaced by calls into
/// ZhibiaoExtraction when that branch is merged; nothing else in Ingest changes then.
public struct ExtractionParser: DocumentParser {
    public let version = "ingest-minimal-0.1"

    public init() {}

    public func parse(bytes: [UInt8], name: String, metadata: DocumentMetadata) throws -> ParsedDocument {
        let (text, encoding) = try Self.decode(bytes)
        let scalars = Array(text.unicodeScalars)
        let articles = Self.articles(in: scalars)
        var facts: [Fact] = []
        for article in articles {
            facts += Self.facts(in: scalars, article: article, doc: name, regionHint: metadata.regionHint)
        }
        return ParsedDocument(text: text, encoding: encoding, articles: articles, facts: facts)
    }

    // MARK: Decoding

    static func decode(_ bytes: [UInt8]) throws -> (String, String) {
        guard !bytes.isEmpty else { throw DocumentParseError("the report is empty") }
        var text: String?
        var encoding = "UTF-8"
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            let little = bytes[0] == 0xFF
            encoding = little ? "UTF-16LE" : "UTF-16BE"
            guard bytes.count % 2 == 0 else { throw DocumentParseError("odd number of bytes in a UTF-16 report") }
            let units = stride(from: 2, to: bytes.count, by: 2).map { index in
                little ? UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8
                    : UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
            }
            text = String(validating: units, as: UTF16.self)
        } else {
            let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
            text = String(validating: body, as: UTF8.self)
        }
        guard let text else {
            throw DocumentParseError("the bytes are not valid \(encoding) (no other encoding is known to this parser)")
        }
        guard !text.unicodeScalars.contains(where: { $0.value == 0 }) else {
            throw DocumentParseError("the report contains NUL characters")
        }
        guard text.contains(where: { !$0.isWhitespace }) else { throw DocumentParseError("the report has no text") }
        return (text, encoding)
    }

    // MARK: Articles

    /// A `# ` line at the start of a line opens an article; text before the first heading is article 0.
    static func articles(in scalars: [Unicode.Scalar]) -> [ParsedArticle] {
        var starts: [Int] = []
        var lineStart = 0
        for index in 0...scalars.count {
            if index == scalars.count || scalars[index] == "\n" {
                if index > lineStart + 1, scalars[lineStart] == "#", scalars[lineStart + 1] == " " {
                    starts.append(lineStart)
                }
                lineStart = index + 1
            }
        }
        if starts.first != 0 {
            let leading = scalars[0..<(starts.first ?? scalars.count)]
            if starts.isEmpty || leading.contains(where: { !$0.properties.isWhitespace }) { starts.insert(0, at: 0) }
            else { starts[0] = 0 }
        }
        return starts.enumerated().map { ordinal, start in
            let end = ordinal + 1 < starts.count ? starts[ordinal + 1] : scalars.count
            let lineEnd = scalars[start..<end].firstIndex(of: "\n") ?? end
            var title: String? = String(String.UnicodeScalarView(scalars[start..<lineEnd]))
            if title?.hasPrefix("# ") == true { title = String(title!.dropFirst(2)).trimmingCharacters(in: .whitespaces) }
            else { title = nil }
            return ParsedArticle(ordinal: ordinal, title: title, region: nil, regionCode: nil,
                                 year: firstYear(in: scalars[start..<end]), span: start..<end)
        }
    }

    /// The first `NNNN年` with a plausible year: the year an article's figures refer to, lacking anything better.
    static func firstYear(in scalars: ArraySlice<Unicode.Scalar>) -> Int? {
        var index = scalars.startIndex
        while index + 4 < scalars.endIndex {
            let window = scalars[index..<index + 4]
            if window.allSatisfy({ $0.properties.numericType == .decimal && $0.isASCII }), scalars[index + 4] == "年",
               index == scalars.startIndex || !(scalars[index - 1].isASCII && scalars[index - 1].properties.numericType != nil),
               let year = Int(String(String.UnicodeScalarView(window))), (1949...2100).contains(year) {
                return year
            }
            index += 1
        }
        return nil
    }

    // MARK: Figures

    struct Unit: Sendable {
        let text: String
        let unitClass: UnitClass
        let scale: Decimal
        init(_ text: String, _ unitClass: UnitClass, _ scale: Decimal) {
            self.text = text
            self.unitClass = unitClass
            self.scale = scale
        }
    }

    /// Longest first, so that 万元 wins over 元 and 人次 over 人.
    static let units: [Unit] = [
        Unit("个百分点", .other, 1), Unit("亿元", .cny, 100_000_000), Unit("万元", .cny, 10_000), Unit("元", .cny, 1),
        Unit("万人次", .personTimes, 10_000), Unit("人次", .personTimes, 1), Unit("万人", .persons, 10_000),
        Unit("人", .persons, 1), Unit("万吨", .tons, 10_000), Unit("吨", .tons, 1), Unit("万亩", .mu, 10_000),
        Unit("亩", .mu, 1), Unit("万平方米", .m2, 10_000), Unit("平方米", .m2, 1), Unit("%", .percent, 1),
        Unit("个", .count, 1), Unit("项", .count, 1), Unit("家", .count, 1), Unit("户", .count, 1),
    ]

    static let verbs = ["完成", "达到", "实现", "累计", "共计", "为", "达", "共", "超"]
    static let targetWords = ["目标", "计划", "力争", "预计", "预期"]

    static func facts(in scalars: [Unicode.Scalar], article: ParsedArticle, doc: String, regionHint: String?) -> [Fact] {
        var facts: [Fact] = []
        var index = article.span.lowerBound
        let end = article.span.upperBound
        while index < end {
            guard isDigit(scalars[index]), index == article.span.lowerBound || !isDigit(scalars[index - 1]),
                  index == article.span.lowerBound || scalars[index - 1] != "." else {
                index += 1
                continue
            }
            let (numberEnd, number) = readNumber(scalars, from: index, end: end)
            var resume = numberEnd  // past the whole figure once one is taken, so its growth rate is not a second one
            defer { index = max(resume, index + 1) }
            guard let value = Decimal(string: number, locale: Locale(identifier: "en_US_POSIX")) else { continue }
            var cursor = numberEnd
            var qualifier = Qualifier.exact
            if cursor < end, scalars[cursor] == "余" || scalars[cursor] == "多" {
                qualifier = .approx
                cursor += 1
            }
            guard let unit = units.first(where: { matches($0.text, scalars, at: cursor, end: end) }) else { continue }
            cursor += unit.text.unicodeScalars.count
            // The label: the run of Han characters before the number, less a trailing verb.
            var labelStart = index
            while labelStart > article.span.lowerBound, index - labelStart < 12, isHan(scalars[labelStart - 1]) {
                labelStart -= 1
            }
            var label = String(String.UnicodeScalarView(scalars[labelStart..<index]))
            if let before = labelStart > article.span.lowerBound ? scalars[labelStart - 1] : nil, before == "约" {
                qualifier = .approx
            }
            for verb in verbs where label.hasSuffix(verb) {
                label.removeLast(verb.count)
                break
            }
            if label.hasPrefix("约") || label.hasSuffix("约") || label.hasSuffix("近") { qualifier = .approx }
            guard !label.isEmpty else { continue }
            if matches("以上", scalars, at: cursor, end: end) {
                qualifier = .atLeast
                cursor += 2
            }
            var growth: Decimal?
            let growthPrefixes: [(String, Decimal)] = [("，同比增长", 1), ("，增长", 1), ("，同比下降", -1), ("，下降", -1)]
            for (prefix, sign) in growthPrefixes
            where matches(prefix, scalars, at: cursor, end: end) {
                let start = cursor + prefix.unicodeScalars.count
                let (growthEnd, text) = readNumber(scalars, from: start, end: end)
                if growthEnd > start, growthEnd < end, scalars[growthEnd] == "%",
                   let rate = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) {
                    growth = rate * sign
                    cursor = growthEnd + 1
                }
                break
            }
            let sentence = sentenceRange(scalars, around: index, within: article.span)
            let sentenceText = String(String.UnicodeScalarView(scalars[sentence]))
            facts.append(Fact(
                doc: doc, region: article.region ?? regionHint, regionCode: article.regionCode, year: article.year,
                kind: targetWords.contains(where: sentenceText.contains) ? .target : .actual,
                indicator: nil, label: label, value: value, unit: unit.text,
                baseValue: unit.unitClass == .other ? nil : value * unit.scale, unitClass: unit.unitClass,
                qualifier: qualifier, growthPct: growth,
                evidence: String(String.UnicodeScalarView(scalars[labelStart..<cursor])),
                span: [labelStart, cursor], sentence: sentenceText, article: article.ordinal))
            resume = cursor
        }
        return facts
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool { scalar.isASCII && scalar.properties.numericType == .decimal }

    static func isHan(_ scalar: Unicode.Scalar) -> Bool { (0x4E00...0x9FFF).contains(scalar.value) }

    static func readNumber(_ scalars: [Unicode.Scalar], from start: Int, end: Int) -> (Int, String) {
        var cursor = start
        var sawPoint = false
        while cursor < end {
            if isDigit(scalars[cursor]) {
                cursor += 1
            } else if scalars[cursor] == ".", !sawPoint, cursor + 1 < end, isDigit(scalars[cursor + 1]) {
                sawPoint = true
                cursor += 1
            } else {
                break
            }
        }
        return (cursor, String(String.UnicodeScalarView(scalars[start..<cursor])))
    }

    static func matches(_ text: String, _ scalars: [Unicode.Scalar], at index: Int, end: Int) -> Bool {
        var cursor = index
        for scalar in text.unicodeScalars {
            guard cursor < end, scalars[cursor] == scalar else { return false }
            cursor += 1
        }
        return true
    }

    static func sentenceRange(_ scalars: [Unicode.Scalar], around index: Int, within span: Range<Int>) -> Range<Int> {
        let stops: Set<Unicode.Scalar> = ["。", "！", "？", "；", "\n"]
        var start = index
        while start > span.lowerBound, !stops.contains(scalars[start - 1]) { start -= 1 }
        var end = index
        while end < span.upperBound, !stops.contains(scalars[end]) { end += 1 }
        if end < span.upperBound, scalars[end] != "\n" { end += 1 }
        return start..<end
    }
}
