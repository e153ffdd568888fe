import Foundation
import ZhibiaoExtraction
import ZhibiaoFacts

/// The adapter from the extraction engine to `DocumentParser`: the only file in ZhibiaoIngest that touches
/// ZhibiaoExtraction. The engine decodes (UTF-8, UTF-16 with BOM, GB18030) and reads the text into a document —
/// articles, the places it resolved with their parent chains, facts — taking the message's metadata as fallbacks
/// for the document's date and subject; this maps that document onto the ingest's rows.
public struct ExtractionParser: DocumentParser {
    /// Bump when the engine's output changes, so `reparse` (default: outdated documents) re-derives their facts.
    public let version = "zhibiao-extraction-2"
    let extractor: Extractor

    /// Loads the lexicon, the gazetteer and the indicator taxonomy once (`indicatorsPath` merged over the built-in
    /// table).
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
        let (text, encoding) = try Self.decodedText(bytes, name: name)
        let source = DocumentSource(
            name: name, publishedOn: metadata.publishedOn.flatMap(CalendarDate.init(iso:)),
            regionHint: metadata.regionHint)
        let document = try extractor.document(in: text, source: source)
        return ParsedDocument(
            text: text, encoding: Self.encodingName(encoding),
            articles: document.articles.map {
                ParsedArticle(
                    ordinal: $0.ordinal, title: $0.title, dateline: $0.dateline, region: $0.subject?.name,
                    regionCode: $0.subject?.code, year: $0.year, setsTargets: $0.setsTargets, span: $0.span)
            },
            regions: document.regions.map {
                ParsedRegion(code: $0.code, name: $0.name, level: Self.level($0.level), parentCode: $0.parentCode)
            },
            facts: document.facts)
    }

    /// The report's text, or a `DocumentParseError` saying why it has none: no bytes, a known binary format (a PNG
    /// image …), bytes that are neither UTF-8, UTF-16 with a BOM nor GB18030, NUL characters, only white space. The
    /// same bytes fail the same way at every attempt; `submit` checks files with it before they enter the queue.
    static func decodedText(_ bytes: [UInt8], name: String) throws(DocumentParseError)
        -> (text: String, encoding: TextDecoder.Encoding)
    {
        guard !bytes.isEmpty else { throw DocumentParseError("the report is empty") }
        // GB18030 decodes much binary data: a file format's signature says more than the decoder can.
        if let format = TextContent.binaryFormat(of: bytes) { throw DocumentParseError("not text: \(format)") }
        let decoded: (text: String, encoding: TextDecoder.Encoding)
        do {
            decoded = try TextDecoder.decode(bytes, name: name)
        } catch {
            throw DocumentParseError("not text: " + ((error as? ExtractionError)?.detail ?? "\(error)"))
        }
        // PostgreSQL text cannot hold NUL; a report containing one is not text, whatever decoded it.
        guard !decoded.text.utf8.contains(0) else {
            throw DocumentParseError("not text: it contains NUL characters")
        }
        guard decoded.text.contains(where: { !$0.isWhitespace }) else {
            throw DocumentParseError("no text (only white space)")
        }
        return decoded
    }

    static func encodingName(_ encoding: TextDecoder.Encoding) -> String {
        switch encoding {
        case .utf8: "UTF-8"
        case .utf16LE: "UTF-16LE"
        case .utf16BE: "UTF-16BE"
        case .gb18030: "GB18030"
        }
    }

    static func level(_ level: ResolvedRegion.Level) -> ParsedRegion.Level {
        switch level {
        case .province: .province
        case .city: .city
        case .county: .county
        case .township: .township
        }
    }
}
