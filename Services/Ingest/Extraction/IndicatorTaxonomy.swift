import Foundation
import ZhibiaoFacts

/// The canonical indicators (ids, unit class, the names the texts use), read from `indicators.tsv`: the built-in
/// table bundled with the module, with a user table merged over it (same id replaces, new ids add), so analysts can
/// extend the vocabulary without recompiling.
public struct IndicatorTaxonomy: Sendable {
    public struct Indicator: Sendable, Hashable {
        public let id: String
        public let unitClass: UnitClass
        /// `level` (a stock at a moment) or `flow` (a quantity over the year).
        public let flow: String
        public var isLevel: Bool { flow == "level" }
        public let names: [String]
        public let note: String
    }

    /// One name of an indicator as the table writes it, with its attributes (`名称:percent`, `名称:fallback`).
    struct Name: Sendable {
        /// The name without its attributes ("…" marks a gap for modifiers).
        let text: String
        /// Index into `indicators`.
        let indicator: Int
        /// The unit class figures named this way are stated in, when it is not the indicator's (优良天数比例: percent).
        let unitClass: UnitClass?
        /// Counts only when the article names the indicator in no other way (地方财政总收入 beside 一般公共预算收入).
        let isFallback: Bool
    }

    public let indicators: [Indicator]
    /// All names (quotes removed) → indicator index, for `LabelMatcher`.
    let matcher: LabelMatcher

    /// The built-in table, with `userFile` merged over it when given.
    public static func load(userFile: String? = nil) throws -> IndicatorTaxonomy {
        guard let url = Bundle.module.url(forResource: "indicators", withExtension: "tsv", subdirectory: "Resources"),
            let data = FileManager.default.contents(atPath: url.path)
        else { throw ExtractionError(.unreadable, file: "indicators.tsv", detail: "built-in indicator table missing") }
        var rows = try parse(String(decoding: data, as: UTF8.self), file: "indicators.tsv")
        if let path = userFile, !path.isEmpty {
            guard let user = FileManager.default.contents(atPath: path) else {
                throw ExtractionError(.unreadable, file: path, detail: "cannot read the indicator file")
            }
            for row in try parse(String(decoding: user, as: UTF8.self), file: path) {
                if let at = rows.firstIndex(where: { $0.id == row.id }) { rows[at] = row } else { rows.append(row) }
            }
        }
        return IndicatorTaxonomy(rows)
    }

    /// `indicators` as the table writes them: their names may carry attributes, which the taxonomy keeps apart
    /// (`Indicator.names` are the plain names).
    public init(_ indicators: [Indicator]) {
        var names: [Name] = []
        self.indicators = indicators.enumerated().map { index, indicator in
            var plain: [String] = []
            for written in indicator.names {
                var parts = written.split(separator: ":").map(String.init)
                let text = parts.removeFirst()
                plain.append(text)
                names.append(
                    Name(
                        text: text, indicator: index, unitClass: parts.compactMap(UnitClass.init(rawValue:)).first,
                        isFallback: parts.contains("fallback")))
            }
            return Indicator(
                id: indicator.id, unitClass: indicator.unitClass, flow: indicator.flow, names: plain,
                note: indicator.note)
        }
        self.matcher = LabelMatcher(names)
    }

    /// Name attributes the table may write after a colon.
    static let attributes: Set<String> = ["fallback", UnitClass.percent.rawValue]

    /// Parses `id<TAB>unit_class<TAB>flow<TAB>names(|-separated)[<TAB>note]`; `#` starts a comment line, and a
    /// header line starting with `id<TAB>` is skipped.
    static func parse(_ text: String, file: String) throws -> [Indicator] {
        var result: [Indicator] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = Lexicon.trimmed(line)
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix("id\t") { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map {
                String(Lexicon.trimmed($0))
            }
            guard fields.count >= 4, !fields[0].isEmpty, let unitClass = UnitClass(rawValue: fields[1]) else {
                throw ExtractionError(
                    .badIndicatorFile, file: file,
                    detail: "line \(number + 1): expected id, unit_class, flow, names separated by tabs")
            }
            guard fields[2] == "level" || fields[2] == "flow" else {
                throw ExtractionError(
                    .badIndicatorFile, file: file, detail: "line \(number + 1): flow must be level or flow")
            }
            let names = fields[3].split(separator: "|").map(String.init).filter { !$0.isEmpty }
            for name in names {
                if let bad = name.split(separator: ":").dropFirst().first(where: { !attributes.contains(String($0)) }) {
                    throw ExtractionError(
                        .badIndicatorFile, file: file,
                        detail: "line \(number + 1): unknown name attribute '\(bad)' (known: fallback, percent)")
                }
            }
            result.append(
                Indicator(
                    id: fields[0], unitClass: unitClass, flow: fields[2], names: names,
                    note: fields.count > 4 ? fields[4] : ""))
        }
        return result
    }

    /// The index of the indicator one of whose names is `name` exactly (quotes ignored), e.g. 签约项目 + 总投资.
    func indicator(named name: String) -> Int? {
        matcher.exact(name.scalarValues)?.indicator
    }
}
