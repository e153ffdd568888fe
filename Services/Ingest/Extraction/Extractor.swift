import Foundation
import ZhibiaoFacts

/// The module's entry point: loads the lexicon, the gazetteer and the indicator taxonomy once, then turns documents
/// (bytes or text) into facts and money amounts. A value type, safe to share between tasks.
public struct Extractor: Sendable {
    public let taxonomy: IndicatorTaxonomy
    let factExtractor: FactExtractor
    let moneyExtractor: MoneyExtractor

    /// `indicatorsPath` is merged over the built-in indicator table; `budget` bounds the
    /// work one document may ask for.
    public init(indicatorsPath: String? = nil, budget: ExtractionBudget = .standard) throws {
        let lexicon = try Lexicon.loadBundled()
        let taxonomy = try IndicatorTaxonomy.load(userFile: indicatorsPath)
        let gazetteer = try Gazetteer.loadBundled(
            generic: lexicon[.regionGeneric], ethnicGroups: lexicon[.regionEthnicGroup])
        let preparer = PreparedText.Preparer(lexicon: lexicon, folding: try CharacterFolding.loadBundled())
        let scanner = try QuantityScanner(lexicon: lexicon)
        self.taxonomy = taxonomy
        factExtractor = FactExtractor(
            taxonomy: taxonomy, gazetteer: gazetteer, preparer: preparer, scanner: scanner,
            reader: SentenceReader(taxonomy: taxonomy, words: SentenceWords(lexicon: lexicon)),
            kinds: KindClassifier(lexicon: lexicon), dates: DocumentDate(lexicon: lexicon),
            yearWords: YearResolver.Words(lexicon: lexicon), regionWords: RegionResolver.Words(lexicon: lexicon),
            budget: budget)
        moneyExtractor = MoneyExtractor(
            preparer: preparer, scanner: scanner, clauseDelimiters: lexicon.characters(.clauseDelimiter))
    }

    /// Decodes `bytes` (UTF-8, UTF-16 with BOM, GB18030); throws an `ExtractionError` naming `doc` otherwise.
    public func decode(_ bytes: [UInt8], doc: String) throws -> String {
        try TextDecoder.decode(bytes, name: doc).text
    }

    /// The whole document: articles, the places they resolved with their parents, and the facts. Throws
    /// `ExtractionError` (`overBudget`) for a document beyond the work budget.
    public func document(in text: String, source: DocumentSource) throws -> ExtractedDocument {
        try factExtractor.document(text, source: source)
    }

    /// The same document handed over one article at a time, for callers that write facts out as they come; returns
    /// what only the whole document tells (its date and places).
    @discardableResult
    public func read(
        _ text: String, source: DocumentSource, perArticle body: (ExtractedArticle, [Fact]) throws -> Void
    ) throws -> (date: ExtractedDocument.DatedBy?, regions: [ResolvedRegion]) {
        let summary = try factExtractor.read(text, source: source, body)
        return (summary.date, summary.regions)
    }

    /// The facts of a text with no metadata but its name.
    public func facts(in text: String, doc: String) throws -> [Fact] {
        try document(in: text, source: DocumentSource(name: doc)).facts
    }

    public func money(in text: String, doc: String) -> [MoneyAmount] { moneyExtractor.amounts(in: text, doc: doc) }
}

/// How much work one document may ask for: beyond it the document is refused with a clear error, not read for
/// minutes inside an open transaction. A year of newspaper pages holds well under this.
public struct ExtractionBudget: Sendable {
    /// Figures (numbers with a unit) in one document.
    public var figures: Int
    public static let standard = ExtractionBudget(figures: 200_000)

    public init(figures: Int) { self.figures = figures }
}
