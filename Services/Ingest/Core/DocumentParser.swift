import Foundation
import ZhibiaoFacts

/// The seam between the queue and the extraction engine: bytes in, decoded text, articles and facts out.
///
/// Ingest knows nothing else about extraction; `ExtractionParser` (the one file that imports ZhibiaoExtraction)
/// implements it. Tests can substitute their own. A parser must be deterministic: the same bytes give the same facts,
/// which is what makes a retried or re-parsed message harmless.
public protocol DocumentParser: Sendable {
    /// Stored with every document (`documents.parser_version`), so `reparse` can tell what an upgrade changes.
    var version: String { get }

    /// The indicator catalogue the parser maps labels to; ingest keeps `zhibiao.indicators` equal to it.
    var indicators: [IndicatorDefinition] { get }

    /// Decodes and parses one report. Throws `DocumentParseError` for a report it cannot read, which the queue
    /// discards at once; any other error is retried with backoff, then discarded after the last attempt.
    func parse(bytes: [UInt8], name: String, metadata: DocumentMetadata) throws -> ParsedDocument
}

/// One canonical indicator as the reporting service describes it (`indicators.tsv` plus user additions).
public struct IndicatorDefinition: Sendable, Hashable {
    public var id: String
    public var unitClass: String
    public var flow: String
    public var names: [String]
    public var note: String

    public init(id: String, unitClass: String, flow: String, names: [String], note: String) {
        self.id = id
        self.unitClass = unitClass
        self.flow = flow
        self.names = names
        self.note = note
    }
}

/// What a producer may say about a report besides its bytes (the queue's `metadata` jsonb).
public struct DocumentMetadata: Codable, Sendable, Hashable {
    public var sourceURL: String?
    /// The publication date as `YYYY-MM-DD`.
    public var publishedOn: String?
    /// A region the producer knows the report is about (a name or a gazetteer code), used when the text is silent.
    public var regionHint: String?

    public init(sourceURL: String? = nil, publishedOn: String? = nil, regionHint: String? = nil) {
        self.sourceURL = sourceURL
        self.publishedOn = publishedOn
        self.regionHint = regionHint
    }

    enum CodingKeys: String, CodingKey {
        case sourceURL = "source_url"
        case publishedOn = "published_on"
        case regionHint = "region_hint"
    }

    /// The jsonb text stored in `ingest_queue.metadata` (absent keys omitted).
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? "{}"
    }

    /// Reads the queue's jsonb; unknown keys are ignored. Throws `InvalidMetadata` naming a field that is not a
    /// string or not plausible (MetadataValidation.swift).
    public init(json: String) throws {
        self = try Self.validated(json: json)
    }
}

/// One report after decoding and extraction.
public struct ParsedDocument: Sendable, Hashable {
    /// The decoded text; fact spans index its Unicode scalars.
    public var text: String
    /// The encoding the bytes were decoded from (`UTF-8`, `GB18030`, `UTF-16LE` …).
    public var encoding: String
    public var articles: [ParsedArticle]
    /// The regions the articles and facts refer to by code, parents before children (stored with the document).
    public var regions: [ParsedRegion]
    public var facts: [Fact]

    public init(text: String, encoding: String, articles: [ParsedArticle], regions: [ParsedRegion] = [], facts: [Fact])
    {
        self.text = text
        self.encoding = encoding
        self.articles = articles
        self.regions = regions
        self.facts = facts
    }
}

/// One article of a report (a newspaper page holds several), with its own subject region and year.
public struct ParsedArticle: Sendable, Hashable {
    public var ordinal: Int
    /// Its headline, when it opens with one.
    public var title: String?
    /// "本报讯(记者 …)", "人民网安阳1月17日专电", when its body opens with one.
    public var dateline: String?
    /// The place it is about.
    public var region: String?
    public var regionCode: String?
    public var year: Int?
    /// Whether it sets targets (主要预期目标…).
    public var setsTargets: Bool
    /// `[start, end)` in Unicode scalars of the text.
    public var span: Range<Int>

    public init(
        ordinal: Int, title: String?, dateline: String? = nil, region: String?, regionCode: String?, year: Int?,
        setsTargets: Bool = false, span: Range<Int>
    ) {
        self.ordinal = ordinal
        self.title = title
        self.dateline = dateline
        self.region = region
        self.regionCode = regionCode
        self.year = year
        self.setsTargets = setsTargets
        self.span = span
    }
}

/// A gazetteer entry that a fact or an article refers to, or one of their ancestors (the chain up to the province is
/// stored, so filters by a district include its towns).
public struct ParsedRegion: Sendable, Hashable {
    public enum Level: String, Sendable {
        case province, city, county, township
    }

    public var code: String
    public var name: String
    public var level: Level
    public var parentCode: String?

    public init(code: String, name: String, level: Level, parentCode: String?) {
        self.code = code
        self.name = name
        self.level = level
        self.parentCode = parentCode
    }
}

/// A report the parser cannot read (undecodable bytes, no text): a `PermanentFailure`, so the queue discards its
/// message at once. A parser throws it only for what the bytes themselves cause; any other error it throws is
/// retried with backoff, so that a transient fault inside a parser is never mistaken for a bad report.
public struct DocumentParseError: PermanentFailure, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
