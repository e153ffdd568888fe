import Foundation

/// One amount of money as written in a document (the gold money format), kept apart from `Fact` because every
/// occurrence counts here, headline repeats included, whatever indicator it belongs to.
public struct MoneyAmount: Sendable, Hashable {
    public var doc: String
    /// The number as written (36.5 for 36.5亿元).
    public var value: Decimal
    /// The unit as written (元, 万元, 亿元, 亿美元 …).
    public var unit: String
    /// `value` in yuan, or in US dollars for dollar amounts.
    public var baseValue: Decimal
    /// "CNY" or "USD".
    public var currency: String
    public var qualifier: Qualifier
    /// The shortest single-line substring of the text holding the amount.
    public var evidence: String
    /// `[start, end)` of `evidence` in Unicode scalars of the decoded text.
    public var span: [Int]

    public init(
        doc: String, value: Decimal, unit: String, baseValue: Decimal, currency: String, qualifier: Qualifier,
        evidence: String, span: [Int]
    ) {
        self.doc = doc
        self.value = value
        self.unit = unit
        self.baseValue = baseValue
        self.currency = currency
        self.qualifier = qualifier
        self.evidence = evidence
        self.span = span
    }

    enum CodingKeys: String, CodingKey {
        case doc, value, unit
        case baseValue = "base_value"
        case currency, qualifier, evidence, span
    }
}
