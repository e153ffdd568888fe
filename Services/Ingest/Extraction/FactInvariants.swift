import Foundation
import ZhibiaoFacts

/// What every fact the engine emits must satisfy, whatever the input: its span lies inside the decoded text and
/// holds exactly its evidence, its base value is its value scaled by a unit factor, its year is sane.
///
/// The fuzzer (`make fuzz`) checks these on every mutated input; the regression test replays saved inputs.
public struct FactInvariants: Sendable {
    private let scalars: [Unicode.Scalar]

    public init(text: String) {
        self.scalars = Array(text.unicodeScalars)
    }

    /// Every factor a unit or multiplier may apply (10⁻³ for 公斤 → 吨 … 10¹² for 万亿).
    private static let unitFactors: Set<Decimal> = Set(
        (-3...12).map { exponent in
            exponent >= 0 ? pow(Decimal(10), exponent) : 1 / pow(Decimal(10), -exponent)
        })

    /// The broken rules, as sentences; empty when the fact is sound.
    public func violations(of fact: Fact) -> [String] {
        var broken: [String] = []
        if fact.span.count != 2 || fact.span[0] < 0 || fact.span[0] > fact.span[1] || fact.span[1] > scalars.count {
            broken.append("span \(fact.span) is not inside the text (\(scalars.count) scalars)")
        } else {
            var atSpan = String.UnicodeScalarView()
            atSpan.append(contentsOf: scalars[fact.span[0]..<fact.span[1]])
            if String(atSpan) != fact.evidence {
                broken.append("evidence \(fact.evidence.debugDescription) differs from the text at \(fact.span)")
            }
        }
        switch (fact.value, fact.baseValue) {
        case (nil, nil):
            break
        case (let value?, let base?):
            if value.isZero ? !base.isZero : !Self.unitFactors.contains(base / value) {
                broken.append("base value \(base) is not \(value) scaled by a unit factor")
            }
        default:
            broken.append(
                "value \(String(describing: fact.value)) and base value \(String(describing: fact.baseValue)) must be both set or both null"
            )
        }
        if let year = fact.year, !(1900...2200).contains(year) {
            broken.append("year \(year) is outside 1900…2200")
        }
        if fact.article < 0 { broken.append("article \(fact.article) is negative") }
        return broken
    }
}
