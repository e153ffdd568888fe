import Foundation
import ZhibiaoFacts

/// The units and multipliers a figure can carry (`quantities.tsv`), with their class and factor to the class's base
/// unit (SCHEMA.md): money to yuan or dollars, areas to m², km² or 亩, counts and persons to a plain number. Matching
/// is longest-first, so 平方米 wins over 米 and 人次 over 人; 个百分点 is its own unit and never a percent.
struct UnitCatalog: Sendable {
    struct Unit: Sendable {
        let text: String
        let scalars: [UInt32]
        let unitClass: UnitClass
        /// Nil for ×1, the common case: `QuantityScanner` then skips a `Decimal` multiplication.
        let factor: Decimal?
    }

    struct Multiplier: Sendable {
        let text: String
        let factor: Decimal
        let length: Int
        /// The class it stands for when written without a unit (亿 → yuan).
        let alone: UnitClass?
    }

    private let units: PhraseList
    private let unitByText: [String: Unit]
    private let multipliers: PhraseList
    private let multiplierFactor: [String: (factor: Decimal, alone: UnitClass?)]

    init(lexicon: Lexicon) throws {
        var byText: [String: Unit] = [:]
        for row in lexicon.rows(.unit) {
            guard let className = row.fields.first, let unitClass = UnitClass(rawValue: className) else {
                throw ExtractionError(
                    .badLexiconFile, file: "quantities.tsv", detail: "unit \(row.phrase): unknown unit class")
            }
            let factor = try Self.decimal(row.fields.count > 1 ? row.fields[1] : "1", for: row.phrase)
            byText[row.phrase] = Unit(
                text: row.phrase, scalars: row.phrase.scalarValues, unitClass: unitClass,
                factor: factor == 1 ? nil : factor)
        }
        var multiplierFactor: [String: (Decimal, UnitClass?)] = [:]
        for row in lexicon.rows(.multiplier) {
            let alone = row.fields.count > 1 ? UnitClass(rawValue: row.fields[1]) : nil
            if row.fields.count > 1, alone == nil {
                throw ExtractionError(
                    .badLexiconFile, file: "quantities.tsv", detail: "multiplier \(row.phrase): unknown unit class")
            }
            multiplierFactor[row.phrase] = (try Self.decimal(row.fields.first ?? "", for: row.phrase), alone)
        }
        self.units = lexicon[.unit]
        self.unitByText = byText
        self.multipliers = lexicon[.multiplier]
        self.multiplierFactor = multiplierFactor
    }

    private static func decimal(_ text: String, for phrase: String) throws -> Decimal {
        guard let value = Decimal(string: text), value > 0 else {
            throw ExtractionError(.badLexiconFile, file: "quantities.tsv", detail: "\(phrase): bad factor '\(text)'")
        }
        return value
    }

    /// The longest unit starting at `i`.
    func unit(in s: [UInt32], at i: Int, end: Int) -> Unit? {
        units.match(s, at: i, end: end).flatMap { unitByText[String(scalarValues: $0.scalars)] }
    }

    /// 万/亿 (and 千万/百万/万亿) written between a number and its unit, with their factor.
    func multiplier(in s: [UInt32], at i: Int, end: Int) -> Multiplier? {
        guard let phrase = multipliers.match(s, at: i, end: end) else { return nil }
        let text = String(scalarValues: phrase.scalars)
        let known = multiplierFactor[text]!
        return Multiplier(text: text, factor: known.factor, length: phrase.scalars.count, alone: known.alone)
    }
}
