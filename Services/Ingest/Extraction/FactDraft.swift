import Foundation
import ZhibiaoModels

/// A figure on its way to becoming a `Fact`: what the sentence rules decided, still in normalized offsets.
struct FactDraft: Sendable {
    var quantity: Quantity
    /// Nil value: only a growth rate was stated ("地区生产总值增长7%").
    var growthOnly = false
    var indicator: Int?
    var label: String
    var growth: Decimal?
    /// Normalized range of the evidence, and the index it must contain (the number).
    var evidence: Range<Int>
    var year: Int?
    var kind: FactKind = .actual
    var region: RegionResolver.Region?
    var sentence: Range<Int>
    var inHeading: Bool
    /// "从A增至B": A's year is the start of the span.
    var isSpanStart = false
}
