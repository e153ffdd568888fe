import Foundation
import ZhibiaoFacts

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
