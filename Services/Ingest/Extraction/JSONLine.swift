import Foundation
import ZhibiaoFacts

/// One JSON object per line with exact decimals (7.07, 4250000000 — never 4.25e9 or 7.0699999) and every field
/// written, nulls included, in the gold file's order. `tier` tells indicator facts ("indicator") from figures outside
/// the indicator table ("unindexed"), which feed search but never summaries.
public enum JSONLine {
    /// `explain` adds the sentence shape that produced the fact (`rule`).
    public static func fact(_ f: Fact, explain: Bool = false) -> String {
        var out = Writer()
        out.field("doc", string: f.doc)
        out.field("region", string: f.region)
        out.field("year", raw: f.year.map(String.init))
        out.field("kind", string: f.kind.rawValue)
        out.field("indicator", string: f.indicator)
        out.field("value", raw: f.value.map(number))
        out.field("unit", string: f.unit)
        out.field("base_value", raw: f.baseValue.map(number))
        out.field("unit_class", string: f.unitClass?.rawValue)
        out.field("qualifier", string: f.qualifier.rawValue)
        out.field("growth_pct", raw: f.growthPct.map(number))
        out.field("measure", string: f.measure?.rawValue)
        out.field("evidence", string: f.evidence)
        out.field("label", string: f.label)
        out.field("span", raw: "[\(f.span.map(String.init).joined(separator: ", "))]")
        out.field("sentence", string: f.sentence)
        out.field("article", raw: String(f.article))
        out.field("region_code", string: f.regionCode)
        out.field("tier", string: f.indicator == nil ? "unindexed" : "indicator")
        if explain { out.field("rule", string: f.rule) }
        return out.finish()
    }

    /// One article as `parse --explain` shows it.
    public static func article(_ a: ExtractedArticle, doc: String) -> String {
        var out = Writer()
        out.field("doc", string: doc)
        out.field("article", raw: String(a.ordinal))
        out.field("title", string: a.title)
        out.field("dateline", string: a.dateline)
        out.field("subject", string: a.subject?.name)
        out.field("subject_code", string: a.subject?.code)
        out.field("year", raw: a.year.map(String.init))
        out.field("sets_targets", raw: String(a.setsTargets))
        out.field("span", raw: "[\(a.span.lowerBound), \(a.span.upperBound)]")
        return out.finish()
    }

    public static func money(_ m: MoneyAmount) -> String {
        var out = Writer()
        out.field("doc", string: m.doc)
        out.field("value", raw: number(m.value))
        out.field("unit", string: m.unit)
        out.field("base_value", raw: number(m.baseValue))
        out.field("currency", string: m.currency)
        out.field("qualifier", string: m.qualifier.rawValue)
        out.field("evidence", string: m.evidence)
        return out.finish()
    }

    /// Writes one object as UTF-8 bytes and makes a String once at the end (concatenating Strings field by field
    /// reallocated and re-checked the growing line for every field).
    struct Writer {
        private var bytes: [UInt8] = [0x7B]  // {

        init() { bytes.reserveCapacity(1024) }

        private mutating func key(_ key: StaticString) {
            if bytes.count > 1 { bytes.append(contentsOf: [0x2C, 0x20]) }  // ", "
            bytes.append(0x22)
            key.withUTF8Buffer { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: [0x22, 0x3A, 0x20])  // ":
        }

        /// A value written as it is (numbers, arrays); nil is null.
        mutating func field(_ name: StaticString, raw value: String?) {
            key(name)
            bytes.append(contentsOf: (value ?? "null").utf8)
        }

        /// A JSON string, escaped; nil is null.
        mutating func field(_ name: StaticString, string value: String?) {
            key(name)
            guard let value else { return bytes.append(contentsOf: "null".utf8) }
            bytes.append(0x22)
            for b in value.utf8 {
                switch b {
                case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
                case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: bytes.append(contentsOf: [0x5C, 0x6E])
                case 0x0D: bytes.append(contentsOf: [0x5C, 0x72])
                case 0x09: bytes.append(contentsOf: [0x5C, 0x74])
                case 0..<0x20: bytes.append(contentsOf: String(format: "\\u%04x", b).utf8)
                default: bytes.append(b)
                }
            }
            bytes.append(0x22)
        }

        consuming func finish() -> String {
            bytes.append(0x7D)  // }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// A plain decimal: digits, optional '-', optional '.', no exponent.
    public static func number(_ d: Decimal) -> String {
        let text = d.description
        guard text.utf8.contains(where: { $0 == 0x65 || $0 == 0x45 }) else { return text }
        return NSDecimalNumber(decimal: d).stringValue
    }
}
