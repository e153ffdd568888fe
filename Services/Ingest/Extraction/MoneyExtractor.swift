import Foundation
import ZhibiaoModels

/// Every amount of money in a document, each occurrence once (headline repeats included): the tier-B view that
/// search and totals use. Shares `QuantityScanner` with the fact pipeline, so "9000余万元" or "近120⏎万元" read the
/// same in both.
public struct MoneyExtractor: Sendable {
    let scanner = QuantityScanner()

    public init() {}

    public func amounts(in text: String, doc: String) -> [MoneyAmount] {
        let norm = NormalizedText(text)
        let s = norm.scalars
        let layout = DocumentLayout(s)
        var result: [MoneyAmount] = []
        for sentence in layout.sentences {
            for q in scanner.scan(s, sentence) where q.isMoney {
                var start = q.start
                while start > sentence.lowerBound, !Phrases.clauseDelimiters.contains(s[start - 1]),
                    q.start - start < 20
                {
                    start -= 1
                }
                let evidence = norm.evidence(start..<q.end, anchor: q.numberStart)
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
