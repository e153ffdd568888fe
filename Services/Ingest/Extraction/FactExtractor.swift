import Foundation
import ZhibiaoModels

/// The pipeline from decoded text to facts: normalize, split articles and sentences, find quantities, then give
/// each one its label and indicator (`SentenceReader`), growth, year, kind and region; headline repeats of a
/// body figure are dropped (the body's evidence wins).
public struct FactExtractor: Sendable {
    let taxonomy: IndicatorTaxonomy
    let gazetteer: Gazetteer
    let scanner = QuantityScanner()

    public init(taxonomy: IndicatorTaxonomy, gazetteer: Gazetteer) {
        self.taxonomy = taxonomy
        self.gazetteer = gazetteer
    }

    public func facts(in text: String, doc: String) -> [Fact] {
        var facts: [Fact] = []
        forEachArticle(in: text, doc: doc) { facts.append(contentsOf: $0) }
        return facts
    }

    /// The facts article by article: `body` gets each article's facts as soon as they are read, so a long document
    /// (a newspaper's year of pages) never holds all of its facts at once.
    public func forEachArticle(in text: String, doc: String, _ body: ([Fact]) throws -> Void) rethrows {
        let norm = NormalizedText(text)
        let s = norm.scalars
        let layout = DocumentLayout(s)
        let documentYear = YearResolver.documentYear(s, sentences: layout.sentences)
        let regions = RegionResolver(s, layout: layout, gazetteer: gazetteer)
        let reader = SentenceReader(taxonomy: taxonomy)
        var sentenceIndex = 0
        var sentenceCache: (range: Range<Int>, text: String) = (0..<0, "")
        for (articleIndex, article) in layout.articles.enumerated() {
            let years = YearResolver(s, article: article.range, documentYear: documentYear)
            let subject = regions.subject(of: article.range, in: s)
            let fallbackYear = years.firstContextYear ?? documentYear
            let plan = KindClassifier.planStart(s, article: article.range).map {
                (start: $0, year: years.year(at: $0 + 1, localFrom: $0) ?? fallbackYear)
            }
            var drafts: [FactDraft] = []
            while sentenceIndex < layout.sentences.count,
                layout.sentences[sentenceIndex].lowerBound < article.range.upperBound
            {
                let sentence = layout.sentences[sentenceIndex]
                sentenceIndex += 1
                let quantities = scanner.scan(s, sentence)
                guard !quantities.isEmpty else { continue }
                let inHeading = layout.line(containing: sentence.lowerBound)?.isHeading ?? false
                var sentenceDrafts = reader.read(s, sentence: sentence, quantities: quantities, inHeading: inHeading)
                for k in sentenceDrafts.indices {
                    var d = sentenceDrafts[k]
                    let localFrom = d.evidence.lowerBound
                    d.year = years.year(at: d.quantity.numberStart, localFrom: localFrom) ?? fallbackYear
                    d.kind = KindClassifier.kind(
                        s, sentenceUpToFigure: sentence.lowerBound..<d.quantity.start, position: d.quantity.start,
                        year: d.year, plan: plan, documentYear: documentYear)
                    d.region = regions.region(at: d.quantity.start, sentence: sentence, subject: subject)
                    sentenceDrafts[k] = d
                }
                // 从A增至B: A is the start of the span B closes.
                for k in sentenceDrafts.indices where sentenceDrafts[k].isSpanStart {
                    guard let end = sentenceDrafts[(k + 1)...].first, let endYear = end.year,
                        sentenceDrafts[k].year == endYear
                    else { continue }
                    sentenceDrafts[k].year = endYear - (years.spanYears ?? 1)
                }
                drafts.append(contentsOf: sentenceDrafts)
            }
            drafts = Self.dropHeadlineRepeats(drafts)
            try body(drafts.map { fact($0, doc: doc, article: articleIndex, norm: norm, sentenceCache: &sentenceCache) })
        }
    }

    /// A figure in a headline or section heading that the body states again is one fact, with the body's evidence.
    static func dropHeadlineRepeats(_ drafts: [FactDraft]) -> [FactDraft] {
        guard drafts.contains(where: \.inHeading) else { return drafts }
        struct Key: Hashable {
            var label: String
            var indicator: Int?
            var value: Decimal?
            var growth: Decimal?
            var unit: String?
        }
        func key(_ d: FactDraft) -> Key {
            Key(label: d.indicator == nil ? d.label : "", indicator: d.indicator,
                value: d.growthOnly ? nil : d.quantity.baseValue, growth: d.growth, unit: nil)
        }
        func looseKey(_ d: FactDraft) -> Key {
            Key(label: "", indicator: nil, value: d.growthOnly ? nil : d.quantity.baseValue, growth: nil, unit: d.quantity.unit)
        }
        let body = drafts.filter { !$0.inHeading }
        let bodyKeys = Set(body.map(key))
        let bodyLoose = Set(body.map(looseKey))
        var seenHeading: Set<Key> = []
        return drafts.filter { d in
            guard d.inHeading else { return true }
            if bodyKeys.contains(key(d)) || bodyLoose.contains(looseKey(d)) { return false }
            return seenHeading.insert(key(d)).inserted
        }
    }

    func fact(
        _ d: FactDraft, doc: String, article: Int, norm: NormalizedText, sentenceCache: inout (range: Range<Int>, text: String)
    ) -> Fact {
        let q = d.quantity
        let indicator = d.indicator.map { taxonomy.indicators[$0] }
        let unitClass = indicator?.unitClass ?? q.unitClass ?? .count
        let evidence = norm.evidence(d.evidence, anchor: q.numberStart)
        let sentenceRange = norm.originalRange(d.sentence)
        if sentenceCache.range != d.sentence {
            sentenceCache = (d.sentence, norm.originalString(sentenceRange))
        }
        return Fact(
            doc: doc, region: d.region?.name, regionCode: d.region?.code, year: d.year, kind: d.kind,
            indicator: indicator?.id, label: d.label, value: d.growthOnly ? nil : q.value,
            unit: d.growthOnly ? nil : q.unit, baseValue: d.growthOnly ? nil : q.baseValue,
            unitClass: d.growthOnly ? nil : unitClass, qualifier: d.growthOnly ? .exact : q.qualifier,
            growthPct: d.growth, evidence: evidence.text, span: [evidence.span.lowerBound, evidence.span.upperBound],
            sentence: sentenceCache.text, article: article)
    }
}
