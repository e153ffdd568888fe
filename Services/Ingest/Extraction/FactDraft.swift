import Foundation
import ZhibiaoFacts

/// A figure on its way to becoming a `Fact`: what the sentence rules decided, still in normalized offsets.
struct FactDraft: Sendable {
    var quantity: Quantity
    /// Nil value: only a growth rate was stated ("地区生产总值增长7%").
    var growthOnly = false
    var indicator: Int?
    /// The indicator's name as matched, with its attributes (a unit class of its own, fallback).
    var name: IndicatorTaxonomy.Name?
    var label: String
    var growth: Decimal?
    var measure: Measure?
    /// Normalized range of the evidence; it always holds the number.
    var evidence: Range<Int>
    var year: Int?
    var kind: FactKind = .actual
    var region: RegionResolver.Region?
    /// A place the sentence's shape gives this figure ("甲、乙两县GDP分别为…"), as an index into the resolver's
    /// mentions; nil: the usual rule (the place named before it in its sentence, else the article's subject).
    var mention: Int?
    var sentence: Range<Int>
    var inHeading: Bool
    /// "从A增至B": A's year is the start of the span.
    var isSpanStart = false
    /// The sentence shape that produced the figure, for `parse --explain`.
    var rule: Rule

    enum Rule: String, Sendable {
        /// The indicator's name before the figure ("工业产值完成42.5亿元").
        case label
        /// The name right after a classifier ("14个重点项目", "签约29个项目").
        case classifier
        /// The label of the figure before it ("新增5家,累计达到25家"), or the investment of its project count.
        case inherited
        case investment
        /// "A、B分别为X、Y" and its region form "甲、乙两县…分别为…".
        case respectively
        /// "A、B均增长8%": one figure for several names.
        case each
        /// "甲市(812亿元)、乙市(790亿元)…GDP".
        case parenthesizedList = "parenthesized-list"
        /// One item of a list under a heading that names the indicator ("各县区GDP排名:").
        case listItem = "list-item"
        /// "地区生产总值增长7.5%,达到309亿元": the growth stated first.
        case growthFirst = "growth-first"
        /// A figure outside the indicator table: its label is the words before it.
        case unindexed
    }
}
