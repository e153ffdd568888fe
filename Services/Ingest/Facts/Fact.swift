import Foundation

/// Whether a figure was achieved or is a goal (预期目标, 力争, 计划 …).
public enum FactKind: String, Sendable, CaseIterable {
    case actual
    case target
}

/// How the text qualifies a figure: 余/近/约/多/左右 → approx, 以上/超过/突破/逾 → atLeast, 以内/控制在/不超过 → atMost.
public enum Qualifier: String, Sendable, CaseIterable {
    case exact
    case approx
    case atLeast = "at_least"
    case atMost = "at_most"
}

/// For indicators whose flow is `level` (a stock: enterprises, population, a rate): whether a figure is the stock
/// itself or what the period added to it ("新增高新技术企业5家,累计达到25家" → 5 added, 25 level).
public enum Measure: String, Sendable, CaseIterable {
    case level
    case added
}

/// The class of a unit, which fixes the base unit of `baseValue` (see the gold SCHEMA).
public enum UnitClass: String, Sendable, CaseIterable {
    /// Chinese yuan.
    case cny = "CNY"
    /// US dollars.
    case usd = "USD"
    case count
    case persons
    case personTimes = "person_times"
    /// The percent number itself (65 for 65%).
    case percent
    case days
    case m2
    case km2
    case mu
    /// Metric tons.
    case tons
    /// A unit outside the classes above (kept for the all-quantities view).
    case other

    /// m², km² and 亩 measure one thing; a figure keeps the one it was written in.
    public var isArea: Bool { self == .m2 || self == .km2 || self == .mu }
}

/// One figure stated in a document, with its provenance.
///
/// Encodes with exactly the gold SCHEMA's fields (snake_case, nulls written out) plus `label`, `span`, `sentence`,
/// `article` and `region_code`.
public struct Fact: Sendable, Hashable {
    /// The document's name (its file's base name).
    public var doc: String
    /// The most specific region the figure is about, as written (城关镇, 高新区 …); nil when unknown.
    public var region: String?
    /// The region's gazetteer code, when the gazetteer knows it.
    public var regionCode: String?
    /// The year the figure refers to (not the publication year).
    public var year: Int?
    public var kind: FactKind
    /// Canonical indicator id, or nil for a figure outside the taxonomy.
    public var indicator: String?
    /// The phrase naming the figure in the text (工业产值, 新签约项目 …).
    public var label: String
    /// The number as written, in `unit`; nil when only growth is stated.
    public var value: Decimal?
    public var unit: String?
    /// `value` in the base unit of `unitClass` (yuan, a plain count, m², …).
    public var baseValue: Decimal?
    public var unitClass: UnitClass?
    public var qualifier: Qualifier
    /// Stated growth in percent (同比增长7.07% → 7.07; 下降5% → -5).
    public var growthPct: Decimal?
    /// `level` or `added` for indicators whose flow is `level`; nil for flow indicators and unindexed figures.
    public var measure: Measure?
    /// The shortest exact substring of the text that states the figure.
    public var evidence: String
    /// `[start, end)` of `evidence` in Unicode scalars of the decoded text.
    public var span: [Int]
    /// The sentence the figure came from.
    public var sentence: String
    /// 0-based index of the article within the document.
    public var article: Int
    /// The sentence shape the engine read the figure by (label, respectively, growth-first …), for explanations.
    public var rule: String?

    public init(
        doc: String, region: String?, regionCode: String?, year: Int?, kind: FactKind, indicator: String?,
        label: String, value: Decimal?, unit: String?, baseValue: Decimal?, unitClass: UnitClass?,
        qualifier: Qualifier, growthPct: Decimal?, measure: Measure? = nil, evidence: String, span: [Int],
        sentence: String, article: Int, rule: String? = nil
    ) {
        self.doc = doc
        self.region = region
        self.regionCode = regionCode
        self.year = year
        self.kind = kind
        self.indicator = indicator
        self.label = label
        self.value = value
        self.unit = unit
        self.baseValue = baseValue
        self.unitClass = unitClass
        self.qualifier = qualifier
        self.growthPct = growthPct
        self.measure = measure
        self.evidence = evidence
        self.span = span
        self.sentence = sentence
        self.article = article
        self.rule = rule
    }
}
