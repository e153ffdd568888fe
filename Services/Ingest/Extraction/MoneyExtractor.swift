import Foundation
import ZhibiaoFacts

/// Every amount of money in a document, each occurrence once (headline repeats included): the tier-B view that
/// search and totals use. Shares `QuantityScanner` with the fact pipeline, so "9000余万元" or "近120⏎万元" read the
/// same in both.
struct MoneyExtractor: Sendable {
    let preparer: PreparedText.Preparer
    let scanner: QuantityScanner
    let clauseDelimiters: ScalarSet
    /// How far back an amount's evidence reaches for its words.
    static let evidenceReach = 20

    func amounts(in text: String, doc: String) -> [MoneyAmount] {
        let prepared = preparer.prepare(text)
        let s = prepared.scalars
        var result: [MoneyAmount] = []
        for sentence in prepared.layout.sentences {
            for q in scanner.scan(s, sentence) where q.isAnyMoney {
                var start = q.start
                while start > sentence.lowerBound, !clauseDelimiters.contains(s[start - 1]),
                    q.start - start < Self.evidenceReach
                {
                    start -= 1
                }
                let evidence = prepared.norm.evidence(start..<q.end, anchor: q.numberStart)
                result.append(
                    MoneyAmount(
                        doc: doc, value: q.value, unit: q.unit ?? "元", baseValue: q.baseValue,
                        currency: q.unitClass == .usd ? "USD" : "CNY", qualifier: q.qualifier, evidence: evidence.text,
                        span: [evidence.span.lowerBound, evidence.span.upperBound]))
            }
        }
        return result
    }
}
