import Foundation
import ZhibiaoModels

/// The module's entry point: loads the gazetteer and the indicator taxonomy once, then turns documents (bytes or
/// text) into facts and money amounts. A value type, safe to share between tasks.
public struct Extractor: Sendable {
    public let taxonomy: IndicatorTaxonomy
    public let gazetteer: Gazetteer
    let factExtractor: FactExtractor
    let moneyExtractor = MoneyExtractor()

    /// `indicatorsPath` (or `$ZHIBIAO_INDICATORS`) is merged over the built-in indicator table.
    public init(indicatorsPath: String? = nil) throws {
        let taxonomy = try IndicatorTaxonomy.load(userFile: indicatorsPath)
        let gazetteer = try Gazetteer.loadBundled()
        self.taxonomy = taxonomy
        self.gazetteer = gazetteer
        self.factExtractor = FactExtractor(taxonomy: taxonomy, gazetteer: gazetteer)
    }

    /// Decodes `bytes` (UTF-8, UTF-16 with BOM, GB18030); throws an `ExtractionError` naming `doc` otherwise.
    public func decode(_ bytes: [UInt8], doc: String) throws -> String {
        try TextDecoder.decode(bytes, name: doc).text
    }

    public func facts(in text: String, doc: String) -> [Fact] { factExtractor.facts(in: text, doc: doc) }

    /// The same facts handed over one article at a time, for callers that write them out as they come.
    public func facts(in text: String, doc: String, perArticle body: ([Fact]) throws -> Void) rethrows {
        try factExtractor.forEachArticle(in: text, doc: doc, body)
    }

    public func money(in text: String, doc: String) -> [MoneyAmount] { moneyExtractor.amounts(in: text, doc: doc) }
}
