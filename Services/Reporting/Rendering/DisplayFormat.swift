import Foundation

/// How a figure reads for a person, in the form reports write it: `42.5 亿元`, `3.25 万人`, `33.3 平方公里`,
/// `+7.07 %`, `目标：增长 7 %`. The unit and its 亿/万 scale are chosen from the exact base value (yuan, persons, m² …),
/// never taken from how one source happened to write it; replies keep the exact `base_value` beside this form.
public enum DisplayFormat {
    /// One unit a class can be shown in: values whose magnitude reaches `factor` (in base units) are divided by it.
    public struct Scale: Sendable, Equatable {
        public let factor: Decimal
        public let unit: String
    }

    /// The multipliers reports put before a unit, largest first: a class whose unit is a word (家, 个, 人 …) is scaled
    /// with these.
    static let multipliers: [(factor: Decimal, prefix: String)] = [
        (Decimal(string: "1000000000000")!, "万亿"), (100_000_000, "亿"), (10_000, "万"),
    ]

    /// The unit each class is shown in, by base unit word; classes not listed (count, other) use the word the
    /// source wrote, without its multiplier. `scaled: false` keeps a unit that reports never scale.
    static let baseUnits: [String: (word: String, scaled: Bool)] = [
        "CNY": ("元", true), "USD": ("美元", true), "persons": ("人", true), "person_times": ("人次", true),
        "m2": ("平方米", true), "km2": ("平方公里", false), "mu": ("亩", true), "tons": ("吨", true),
        "days": ("天", false), "percent": ("%", false),
    ]

    /// What a qualifier adds around the figure (`约 …`, `… 以上`).
    static let qualifiers: [String: (prefix: String, suffix: String)] = [
        "approx": ("约 ", ""), "at_least": ("", "以上"), "at_most": ("", "以内"),
    ]

    /// The scales for a class, largest first. `unit` is the unit as a source wrote it (`万户`), used for classes
    /// whose base unit is whatever was counted.
    public static func scales(unitClass: String?, unit: String?) -> [Scale] {
        let word: String
        let scaled: Bool
        if let unitClass, let known = baseUnits[unitClass] {
            (word, scaled) = known
        } else {
            (word, scaled) = (baseWord(of: unit ?? ""), true)
        }
        let base = Scale(factor: 1, unit: word)
        guard scaled else { return [base] }
        return multipliers.map { Scale(factor: $0.factor, unit: $0.prefix + word) } + [base]
    }

    /// The scale a value reads best in: the largest whose factor its magnitude reaches.
    public static func scale(for magnitude: Decimal, unitClass: String?, unit: String?) -> Scale {
        let all = scales(unitClass: unitClass, unit: unit)
        return all.first { magnitude.magnitude >= $0.factor } ?? all.last!
    }

    /// `42.5 亿元` for 4250000000 yuan; with a qualifier, `约 42.5 亿元` or `42.5 亿元以上`.
    public static func value(_ base: Decimal, unitClass: String?, unit: String?, qualifier: String? = nil) -> String {
        let scale = scale(for: base, unitClass: unitClass, unit: unit)
        let text = join(number(base / scale.factor), scale.unit)
        let around = qualifier.flatMap { qualifiers[$0] } ?? ("", "")
        return around.prefix + text + around.suffix
    }

    /// A growth rate in percent with its sign: `+7.07 %`, `-5 %`, `0 %`.
    public static func growth(_ percent: Decimal) -> String {
        (percent > 0 ? "+" : "") + number(percent) + " %"
    }

    /// A target as reports state it: `目标：240 亿元以上`, `目标：增长 7 %`, `目标：下降 3 %`, or both
    /// (`目标：165 亿元，增长 7 %`).
    public static func target(
        base: Decimal?, unitClass: String?, unit: String?, qualifier: String?, growthPercent: Decimal?
    ) -> String? {
        var parts: [String] = []
        if let base { parts.append(value(base, unitClass: unitClass, unit: unit, qualifier: qualifier)) }
        if let growthPercent {
            parts.append((growthPercent < 0 ? "下降 " : "增长 ") + number(growthPercent.magnitude) + " %")
        }
        return parts.isEmpty ? nil : "目标：" + parts.joined(separator: "，")
    }

    /// A plain decimal as reports write it: at most two decimals (four below 1, so small values do not read as 0),
    /// no trailing zeros, no thousands separators.
    public static func number(_ value: Decimal) -> String {
        var input = value
        var rounded = Decimal()
        NSDecimalRound(&rounded, &input, value.magnitude < 1 ? 4 : 2, .plain)
        if rounded.isZero { rounded = 0 }  // no "-0"
        return NSDecimalNumber(decimal: rounded).description(withLocale: Locale(identifier: "en_US_POSIX"))
    }

    /// The multipliers a source may have written before its unit (quantities.tsv), longest first.
    static let writtenMultipliers = ["万亿", "千万", "百万", "亿", "万"]

    /// The unit as written without its multiplier: 万户 → 户, 亿元 → 元.
    static func baseWord(of unit: String) -> String {
        for prefix in writtenMultipliers where unit.hasPrefix(prefix) && unit.count > prefix.count {
            return String(unit.dropFirst(prefix.count))
        }
        return unit
    }

    /// `42.5 亿元`; a bare number when there is no unit; `82.22 %`.
    static func join(_ number: String, _ unit: String) -> String {
        unit.isEmpty ? number : number + " " + unit
    }
}
