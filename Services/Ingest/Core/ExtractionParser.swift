import Foundation
import ZhibiaoExtraction
import ZhibiaoModels

/// The adapter from the extraction engine to `DocumentParser`: the only file in ZhibiaoIngest that touches
/// ZhibiaoExtraction.
///
/// The engine decodes (UTF-8, UTF-16 with BOM, GB18030) and extracts facts; what the ingest schema needs beyond
/// that — article rows and region rows — is derived here from the facts, because the engine does not expose its
/// article layout or gazetteer entries publicly yet (see `articles(of:)` and `regions(of:)`).
public struct ExtractionParser: DocumentParser {
    /// Bump when the engine's output changes, so `reparse` (default: outdated documents) re-derives their facts.
    public let version = "zhibiao-extraction-1"
    let extractor: Extractor

    /// Loads the gazetteer and the indicator taxonomy once (`indicatorsPath` or `$ZHIBIAO_INDICATORS` merged over
    /// the built-in table).
    public init(indicatorsPath: String? = nil) throws {
        extractor = try Extractor(indicatorsPath: indicatorsPath)
    }

    public var indicators: [IndicatorDefinition] {
        extractor.taxonomy.indicators.map {
            IndicatorDefinition(
                id: $0.id, unitClass: $0.unitClass.rawValue, flow: $0.flow, names: $0.names, note: $0.note)
        }
    }

    public func parse(bytes: [UInt8], name: String, metadata: DocumentMetadata) throws -> ParsedDocument {
        guard !bytes.isEmpty else { throw DocumentParseError("the report is empty") }
        let (text, encoding) = try TextDecoder.decode(bytes, name: name)
        // PostgreSQL text cannot hold NUL; a report containing one is not text, whatever decoded it.
        guard !text.utf8.contains(0) else {
            throw DocumentParseError("\(name): the decoded text contains NUL characters")
        }
        guard text.contains(where: { !$0.isWhitespace }) else { throw DocumentParseError("\(name): no text") }
        let facts = extractor.facts(in: text, doc: name)
        return ParsedDocument(
            text: text, encoding: Self.encodingName(encoding), articles: Self.articles(of: facts, text: text),
            regions: Self.regions(of: facts), facts: facts)
    }

    static func encodingName(_ encoding: TextDecoder.Encoding) -> String {
        switch encoding {
        case .utf8: "UTF-8"
        case .utf16LE: "UTF-16LE"
        case .utf16BE: "UTF-16BE"
        case .gb18030: "GB18030"
        }
    }

    /// One article row per ordinal the facts use (0 at least), each with its most frequent region and year. An
    /// article starts where its first fact's evidence starts (article 0 at the start) and ends where the next begins.
    static func articles(of facts: [Fact], text: String) -> [ParsedArticle] {
        let count = (facts.map(\.article).max() ?? 0) + 1
        let length = text.utf8.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }  // Unicode scalars: non-continuation bytes
        var starts = [Int](repeating: 0, count: count)
        for ordinal in 1..<max(count, 1) {
            starts[ordinal] =
                facts.filter { $0.article == ordinal }.map { $0.span.first ?? 0 }.min()
                ?? starts[ordinal - 1]
        }
        return (0..<count).map { ordinal in
            let own = facts.filter { $0.article == ordinal }
            let place = mostFrequent(
                own.compactMap { fact in fact.region.map { RegionKey(name: $0, code: fact.regionCode) } })
            let end = ordinal + 1 < count ? max(starts[ordinal + 1], starts[ordinal]) : length
            return ParsedArticle(
                ordinal: ordinal, title: nil, region: place?.name, regionCode: place?.code,
                year: mostFrequent(own.compactMap(\.year)), span: starts[ordinal]..<end)
        }
    }

    struct RegionKey: Hashable {
        let name: String
        let code: String?
    }

    static func mostFrequent<T: Hashable>(_ values: [T]) -> T? {
        var counts: [T: Int] = [:]
        var order: [T] = []
        for value in values {
            if counts[value] == nil { order.append(value) }
            counts[value, default: 0] += 1
        }
        return order.max { counts[$0]! < counts[$1]! }  // ties: the first seen wins (max keeps the earlier)
    }

    /// The region rows the facts' codes need. The level follows from the statistical code's length (2 province,
    /// 4 city, 6 county, longer township); the name is the one the text used. No parent: the gazetteer's chain is not
    /// public in ZhibiaoExtraction yet, and a parent row would need its name.
    static func regions(of facts: [Fact]) -> [ParsedRegion] {
        var seen: Set<String> = []
        var regions: [ParsedRegion] = []
        for fact in facts {
            guard let code = fact.regionCode, !seen.contains(code) else { continue }
            seen.insert(code)
            let level: ParsedRegion.Level =
                switch code.count {
                case ...2: .province
                case 3...4: .city
                case 5...6: .county
                default: .township
                }
            regions.append(ParsedRegion(code: code, name: fact.region ?? code, level: level, parentCode: nil))
        }
        return regions
    }
}
