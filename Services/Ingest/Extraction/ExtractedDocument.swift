import ZhibiaoFacts

/// What a producer knows about a report besides its text: the engine's fallbacks when the text is silent.
/// The text's own date line wins over `publishedOn`; a region the text names wins over `regionHint`.
public struct DocumentSource: Sendable, Hashable {
    /// The document's name (its file's base name); every fact carries it.
    public var name: String
    /// The publication date.
    public var publishedOn: CalendarDate?
    /// A place the producer says the report is about: a gazetteer name or code.
    public var regionHint: String?

    public init(name: String, publishedOn: CalendarDate? = nil, regionHint: String? = nil) {
        self.name = name
        self.publishedOn = publishedOn
        self.regionHint = regionHint
    }
}

/// A day of the Gregorian calendar, as reports write it (no time zone: a report's date is a local date).
public struct CalendarDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// `YYYY-MM-DD`.
    public init?(iso text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public var description: String {
        "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
    }

    public static func < (a: CalendarDate, b: CalendarDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }
}

/// One report as the engine read it: its articles, the places it resolved (each with its whole parent chain) and
/// the facts pointing at both. Spans are `[start, end)` in Unicode scalars of the decoded text.
public struct ExtractedDocument: Sendable {
    /// The document's own date and where it was read from.
    public var date: DatedBy?
    public var articles: [ExtractedArticle]
    /// Every gazetteer place an article or a fact refers to, and all their ancestors up to the province; parents
    /// come before their children.
    public var regions: [ResolvedRegion]
    public var facts: [Fact]

    public enum DatedBy: Sendable, Hashable {
        /// A date line inside the text ("日期：2023-07-31", "发稿时间：…", the report's own "——2016年2月19日在…").
        case text(CalendarDate)
        /// Only a year could be read from the text (a dated event: "3月19日开幕的…2024年").
        case textYear(Int)
        /// The message's `published_on`.
        case metadata(CalendarDate)

        public var year: Int {
            switch self {
            case .text(let date), .metadata(let date): date.year
            case .textYear(let year): year
            }
        }
    }
}

/// One article of a report (a newspaper page holds several; anything else is one).
public struct ExtractedArticle: Sendable, Hashable {
    public var ordinal: Int
    /// `[start, end)` in Unicode scalars of the decoded text.
    public var span: Range<Int>
    /// The headline, when the article opens with one.
    public var title: String?
    /// The dateline ("本报讯(记者 …)", "人民网安阳1月17日专电"), when there is one.
    public var dateline: String?
    /// The place the article is about.
    public var subject: RegionReference?
    /// The year most of the article's figures refer to (its first context year, else the document's year).
    public var year: Int?
    /// Whether the article sets targets (主要预期目标…): its figures from there on are targets.
    public var setsTargets: Bool

    public init(
        ordinal: Int, span: Range<Int>, title: String?, dateline: String?, subject: RegionReference?, year: Int?,
        setsTargets: Bool
    ) {
        self.ordinal = ordinal
        self.span = span
        self.title = title
        self.dateline = dateline
        self.subject = subject
        self.year = year
        self.setsTargets = setsTargets
    }
}

/// A place as a fact or an article names it: its gazetteer form and code when the gazetteer knows it, otherwise
/// the name the text wrote (X镇, X社区 …) without a code.
public struct RegionReference: Sendable, Hashable {
    public var name: String
    public var code: String?

    public init(name: String, code: String?) {
        self.name = name
        self.code = code
    }
}

/// A gazetteer place with its level and parent, for the store's region tree.
public struct ResolvedRegion: Sendable, Hashable {
    public enum Level: String, Sendable, Hashable {
        case province, city, county, township
    }

    public var code: String
    /// The gazetteer's name (温州市, not the text's 温州).
    public var name: String
    public var level: Level
    /// Nil for a province.
    public var parentCode: String?

    public init(code: String, name: String, level: Level, parentCode: String?) {
        self.code = code
        self.name = name
        self.level = level
        self.parentCode = parentCode
    }
}
