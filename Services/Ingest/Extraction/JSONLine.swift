import Foundation
import ZhibiaoModels

/// One JSON object per line with exact decimals (7.07, 4250000000 — never 4.25e9 or 7.0699999) and every field
/// written, nulls included, in the gold file's order.
public enum JSONLine {
    public static func fact(_ f: Fact) -> String {
        var out = "{"
        field(&out, "doc", string(f.doc))
        field(&out, "region", f.region.map(string) ?? "null")
        field(&out, "year", f.year.map(String.init) ?? "null")
        field(&out, "kind", string(f.kind.rawValue))
        field(&out, "indicator", f.indicator.map(string) ?? "null")
        field(&out, "value", f.value.map(number) ?? "null")
        field(&out, "unit", f.unit.map(string) ?? "null")
        field(&out, "base_value", f.baseValue.map(number) ?? "null")
        field(&out, "unit_class", f.unitClass.map { string($0.rawValue) } ?? "null")
        field(&out, "qualifier", string(f.qualifier.rawValue))
        field(&out, "growth_pct", f.growthPct.map(number) ?? "null")
        field(&out, "evidence", string(f.evidence))
        field(&out, "label", string(f.label))
        field(&out, "span", "[\(f.span.map(String.init).joined(separator: ", "))]")
        field(&out, "sentence", string(f.sentence))
        field(&out, "article", String(f.article))
        field(&out, "region_code", f.regionCode.map(string) ?? "null")
        return out + "}"
    }

    public static func money(_ m: MoneyAmount) -> String {
        var out = "{"
        field(&out, "doc", string(m.doc))
        field(&out, "value", number(m.value))
        field(&out, "unit", string(m.unit))
        field(&out, "base_value", number(m.baseValue))
        field(&out, "currency", string(m.currency))
        field(&out, "qualifier", string(m.qualifier.rawValue))
        field(&out, "evidence", string(m.evidence))
        return out + "}"
    }

    static func field(_ out: inout String, _ key: String, _ value: String) {
        if out.utf8.count > 1 { out += ", " }
        out += "\"\(key)\": \(value)"
    }

    /// A plain decimal: digits, optional '-', optional '.', no exponent.
    public static func number(_ d: Decimal) -> String {
        let text = d.description
        guard text.utf8.contains(where: { $0 == 0x65 || $0 == 0x45 }) else { return text }
        return NSDecimalNumber(decimal: d).stringValue
    }

    static func string(_ s: String) -> String {
        // Fast path: nothing to escape.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) { return "\"" + s + "\"" }
        var bytes: [UInt8] = [0x22]
        for b in s.utf8 {
            switch b {
            case 0x22: bytes += [0x5C, 0x22]
            case 0x5C: bytes += [0x5C, 0x5C]
            case 0x0A: bytes += [0x5C, 0x6E]
            case 0x0D: bytes += [0x5C, 0x72]
            case 0x09: bytes += [0x5C, 0x74]
            case 0..<0x20: bytes += Array(String(format: "\\u%04x", b).utf8)
            default: bytes.append(b)
            }
        }
        bytes.append(0x22)
        return String(decoding: bytes, as: UTF8.self)
    }
}
