import Foundation
import ZhibiaoModels

/// The canonical indicators (ids, unit class, the names the texts use), read from `indicators.tsv`: the built-in
/// table bundled with the module, with a user table merged over it (same id replaces, new ids add), so analysts can
/// extend the vocabulary without recompiling.
public struct IndicatorTaxonomy: Sendable {
    public struct Indicator: Sendable, Hashable {
        public let id: String
        public let unitClass: UnitClass
        /// `level` (a stock at a moment) or `flow` (a quantity over the year).
        public let flow: String
        public let names: [String]
        public let note: String
    }

    public let indicators: [Indicator]
    /// All names (quotes removed) → indicator index, for `LabelMatcher`.
    let matcher: LabelMatcher

    /// The built-in table, with `userFile` (or `$ZHIBIAO_INDICATORS`) merged over it when given.
    public static func load(userFile: String? = nil) throws -> IndicatorTaxonomy {
        guard let url = Bundle.module.url(forResource: "indicators", withExtension: "tsv", subdirectory: "Resources"),
            let data = FileManager.default.contents(atPath: url.path)
        else { throw ExtractionError(.unreadable, file: "indicators.tsv", detail: "built-in indicator table missing") }
        var rows = try parse(String(decoding: data, as: UTF8.self), file: "indicators.tsv")
        let path = userFile ?? ProcessInfo.processInfo.environment["ZHIBIAO_INDICATORS"]
        if let path, !path.isEmpty {
            guard let user = FileManager.default.contents(atPath: path) else {
                throw ExtractionError(.unreadable, file: path, detail: "cannot read the indicator file")
            }
            for row in try parse(String(decoding: user, as: UTF8.self), file: path) {
                if let at = rows.firstIndex(where: { $0.id == row.id }) { rows[at] = row } else { rows.append(row) }
            }
        }
        return IndicatorTaxonomy(rows)
    }

    public init(_ indicators: [Indicator]) {
        self.indicators = indicators
        self.matcher = LabelMatcher(indicators)
    }

    /// Parses `id<TAB>unit_class<TAB>flow<TAB>names(|-separated)[<TAB>note]` with a header line.
    static func parse(_ text: String, file: String) throws -> [Indicator] {
        var result: [Indicator] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty || trimmed.hasPrefix("#") || (number == 0 && trimmed.hasPrefix("id\t")) { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespacesAndNewlines)
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
            result.append(Indicator(
                id: fields[0], unitClass: unitClass, flow: fields[2], names: names,
                note: fields.count > 4 ? fields[4] : ""))
        }
        return result
    }

    /// The indicator whose names include `name` exactly (quotes ignored), e.g. 签约项目 + 总投资.
    func indicator(named name: String) -> Indicator? {
        matcher.exact(name.scalarValues).map { indicators[$0] }
    }
}
