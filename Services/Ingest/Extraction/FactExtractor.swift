import Foundation
import ZhibiaoFacts

/// The pipeline from decoded text to a document: normalize and lay out, read the document's date, find its places,
/// then per article read each sentence's figures (`SentenceReader`) and give each its year, kind and place. A figure
/// stated twice is one fact (a headline repeat keeps the body's evidence); a fallback name (地方财政总收入) yields
/// to its indicator's main name in the same article.
struct FactExtractor: Sendable {
    let taxonomy: IndicatorTaxonomy
    let gazetteer: Gazetteer
    let preparer: PreparedText.Preparer
    let scanner: QuantityScanner
    let reader: SentenceReader
    let kinds: KindClassifier
    let dates: DocumentDate
    let yearWords: YearResolver.Words
    let regionWords: RegionResolver.Words

    let budget: ExtractionBudget

    /// A stored sentence is cut to this many characters around its evidence (a 10 MB line has no sentence end).
    static let sentenceWindow = 240

    /// What the whole document gave besides its articles' facts.
    struct Summary: Sendable {
        var date: ExtractedDocument.DatedBy?
        var regions: [ResolvedRegion]
    }

    /// Reads `text` article by article: `body` gets each article and its facts as soon as they are read, so a long
    /// document (a newspaper's year of pages) never holds all of its facts at once.
    /// Throws `ExtractionError.overBudget` when the document holds more figures than `budget` allows.
    func read(_ text: String, source: DocumentSource, _ body: (ExtractedArticle, [Fact]) throws -> Void) throws
        -> Summary
    {
        let prepared = preparer.prepare(text)
        let s = prepared.scalars
        let layout = prepared.layout
        let date: ExtractedDocument.DatedBy? =
            dates.read(s, layout: layout).map { .text($0) } ?? source.publishedOn.map { .metadata($0) }
            ?? DocumentDate.eventYear(s, sentences: layout.sentences).map { .textYear($0) }
        let documentYear = date?.year
        let regions = RegionResolver(
            s, layout: layout, gazetteer: gazetteer, words: regionWords, hint: source.regionHint)
        var used = UsedRegions()
        /// Each statement's key and the sentence that first made it: a repeat in another sentence is dropped, but one
        /// sentence may state the same figure for two names ("城镇、农村居民人均可支配收入均增长8%").
        var seen: [FactKey: Range<Int>] = [:]
        var sentenceIndex = 0
        var figures = 0
        // An article that names no place of its own ("农民收入持续增长" on a county paper's page) is about the page's.
        let pageSubject = layout.articles.count > 1 ? regions.subject(of: 0..<s.count, in: s) : nil
        for (ordinal, article) in layout.articles.enumerated() {
            let years = YearResolver(
                s, article: article.range, layout: layout, documentYear: documentYear, words: yearWords)
            let subject = regions.subject(of: article.range, in: s) ?? pageSubject
            let fallbackYear = documentYear ?? years.firstContextYear
            let plans = kinds.plans(s, article: article.range, layout: layout) { position in
                years.year(at: position, localFrom: position) ?? fallbackYear
            }
            var drafts: [FactDraft] = []
            var listLabel: SentenceReader.ListLabel? = nil
            let topic = article.titleLine.flatMap { reader.topic(s, title: layout.lines[$0].range) }
            var paragraph = Paragraph()
            while sentenceIndex < layout.sentences.count,
                layout.sentences[sentenceIndex].lowerBound < article.range.upperBound
            {
                let sentence = layout.sentences[sentenceIndex]
                sentenceIndex += 1
                paragraph.enter(sentence, s: s, layout: layout)
                let quantities = scanner.scan(s, sentence)
                figures += quantities.count
                if figures > budget.figures {
                    throw ExtractionError(
                        .overBudget, file: source.name,
                        detail: "more than \(budget.figures) figures in one document: split it, or raise the budget")
                }
                let mentions = regions.mentions(in: sentence).indices.map {
                    SentenceReader.Mention(range: regions.mentions[$0].range, index: $0)
                }
                let reading = reader.read(
                    s, sentence: sentence, quantities: quantities,
                    inHeading: layout.line(containing: sentence.lowerBound)?.isHeading ?? false, mentions: mentions,
                    earlier: paragraph.lastFigure, listLabel: listLabel, topic: topic)
                if let opened = reading.opensList {
                    listLabel = opened
                } else if !quantities.isEmpty && !reading.usedListLabel {
                    listLabel = nil
                }
                var sentenceDrafts = reading.drafts
                for k in sentenceDrafts.indices {
                    var d = sentenceDrafts[k]
                    let q = d.quantity
                    d.year = years.year(at: q.numberStart, localFrom: d.evidence.lowerBound) ?? fallbackYear
                    if d.indicator != nil, isNoYearsFigure(s, sentence: sentence, figure: q.start, years: years) {
                        d.indicator = nil
                    }
                    d.kind = kinds.kind(
                        s, sentenceUpToFigure: paragraph.statementStart..<q.start, position: q.start, year: d.year,
                        plans: plans, documentYear: documentYear)
                    d.region =
                        d.region ?? d.mention.map { regions.regions[Int(regions.mentions[$0].region)] }
                        ?? regions.region(
                            at: q.start, in: s, sentence: sentence, clauses: clauses(s, sentence, figure: q.start),
                            article: article.range, subject: subject)
                    sentenceDrafts[k] = d
                }
                // A figure that takes its label from the one before it (its investment, its stock after its new
                // additions) is about the same place: "其中阳新签约18个项目，签约金额达126.4亿元".
                for k in sentenceDrafts.indices.dropFirst()
                where (sentenceDrafts[k].rule == .investment || sentenceDrafts[k].rule == .inherited)
                    && reading.drafts[k].region == nil
                {
                    sentenceDrafts[k].region = sentenceDrafts[k - 1].region
                }
                // 从A增至B: A is the start of the span B closes.
                for k in sentenceDrafts.indices where sentenceDrafts[k].isSpanStart {
                    guard let end = sentenceDrafts[(k + 1)...].first, let endYear = end.year,
                        sentenceDrafts[k].year == endYear
                    else { continue }
                    sentenceDrafts[k].year = endYear - (years.spanYears ?? 1)
                }
                if let last = sentenceDrafts.last(where: { $0.indicator != nil }) { paragraph.lastFigure = last }
                drafts.append(contentsOf: sentenceDrafts)
            }
            drafts = Self.preferMainNames(Self.dropHeadlineRepeats(drafts))
            drafts = drafts.filter { d in
                guard d.indicator != nil else { return true }
                if let first = seen[FactKey(d)] { return first == d.sentence }
                seen[FactKey(d)] = d.sentence
                return true
            }
            var sentences: (range: Range<Int>, text: String) = (0..<0, "")
            let facts = drafts.map {
                fact($0, doc: source.name, article: ordinal, norm: prepared.norm, sentences: &sentences)
            }
            for d in drafts { if let region = d.region { used.add(region, via: regions) } }
            if let subject { used.add(subject, via: regions) }
            try body(
                extractedArticle(
                    article, ordinal: ordinal, prepared: prepared, subject: subject,
                    year: years.firstContextYear ?? documentYear, setsTargets: !plans.isEmpty),
                facts)
        }
        return Summary(date: date, regions: used.regions)
    }

    func document(_ text: String, source: DocumentSource) throws -> ExtractedDocument {
        var articles: [ExtractedArticle] = []
        var facts: [Fact] = []
        let summary = try read(text, source: source) { article, articleFacts in
            articles.append(article)
            facts.append(contentsOf: articleFacts)
        }
        return ExtractedDocument(date: summary.date, articles: articles, regions: summary.regions, facts: facts)
    }

    /// The clauses of a figure's sentence, for its place: where its own starts, where the first ends, and the
    /// starts of those in between.
    /// A figure that is no year's value of its indicator: a projection ("建成后…可实现产值5亿元") before it in its
    /// sentence, or, in an article about a multi-year span, a sum over it ("五年共实施…") before it in its clause.
    func isNoYearsFigure(_ s: [UInt32], sentence: Range<Int>, figure: Int, years: YearResolver) -> Bool {
        let words = reader.words
        if words.projection.occurs(s, in: sentence.lowerBound..<figure) { return true }
        guard years.spanYears != nil else { return false }
        return words.spanSum.occurs(s, in: clauses(s, sentence, figure: figure).figureStart..<figure)
    }

    func clauses(_ s: [UInt32], _ sentence: Range<Int>, figure: Int) -> RegionResolver.SentenceClauses {
        let delimiters = reader.words.clauseDelimiters
        var starts = [sentence.lowerBound]
        for i in sentence.lowerBound..<figure where delimiters.contains(s[i]) { starts.append(i + 1) }
        let figureStart = starts.removeLast()
        var firstEnd = sentence.lowerBound
        while firstEnd < sentence.upperBound, !delimiters.contains(s[firstEnd]) { firstEnd += 1 }
        return RegionResolver.SentenceClauses(firstEnd: firstEnd, figureStart: figureStart, starts: starts)
    }

    // MARK: - Repeats and precedence

    /// Where the reader stands in the current paragraph (line).
    struct Paragraph {
        var line: Int? = nil
        /// Where the current statement starts: sentences joined by ';' are one statement, so a goal announced at its
        /// start ("2013年，计划招引…；…；新增绿化面积28万平方米") holds for all of them.
        var statementStart = 0
        var lastFigure: FactDraft? = nil
        /// A goal announced this far back no longer holds (and the search for it stays bounded).
        static let statementMaximum = 1200

        mutating func enter(_ sentence: Range<Int>, s: [UInt32], layout: DocumentLayout) {
            let index = layout.lineIndex(containing: sentence.lowerBound)
            if index != line {
                self = Paragraph(line: index, statementStart: sentence.lowerBound, lastFigure: nil)
            } else if sentence.lowerBound == 0 || s[sentence.lowerBound - 1] != Scalar.semicolon
                || sentence.lowerBound - statementStart > Self.statementMaximum
            {
                statementStart = sentence.lowerBound
            }
        }
    }

    /// What makes two indicator figures the same statement.
    struct FactKey: Hashable {
        var indicator: Int?
        var region: String?
        var year: Int?
        var kind: FactKind
        var measure: Measure?
        var value: Decimal?
        var growth: Decimal?

        init(_ d: FactDraft) {
            indicator = d.indicator
            region = d.region?.name
            year = d.year
            kind = d.kind
            measure = d.measure
            value = d.growthOnly ? nil : d.quantity.baseValue
            growth = d.growth
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
            Key(
                label: d.indicator == nil ? d.label : "", indicator: d.indicator,
                value: d.growthOnly ? nil : d.quantity.baseValue, growth: d.growth, unit: nil)
        }
        func looseKey(_ d: FactDraft) -> Key {
            Key(
                label: "", indicator: nil, value: d.growthOnly ? nil : d.quantity.baseValue, growth: nil,
                unit: d.quantity.unit)
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

    /// Figures named by a fallback name (财政总收入) count only when their article names the indicator in no other way.
    static func preferMainNames(_ drafts: [FactDraft]) -> [FactDraft] {
        let main = Set(drafts.compactMap { $0.name?.isFallback == false ? $0.indicator : nil })
        return drafts.filter { d in !(d.name?.isFallback == true && main.contains(d.indicator!)) }
    }

    // MARK: - Output

    /// `sentences`: the last sentence text made, reused by the next fact of the same sentence.
    func fact(
        _ d: FactDraft, doc: String, article: Int, norm: NormalizedText,
        sentences: inout (range: Range<Int>, text: String)
    ) -> Fact {
        let q = d.quantity
        let indicator = d.indicator.map { taxonomy.indicators[$0] }
        let written = q.unitClass ?? q.implied
        let unitClass =
            d.name?.unitClass ?? (written?.isArea == true && indicator?.unitClass.isArea == true ? written : nil)
            ?? indicator?.unitClass ?? written ?? .count
        let evidence = norm.evidence(d.evidence, anchor: q.numberStart)
        // The whole sentence when it is short, shared by the sentence's facts (one string, not one per fact); a
        // window around the evidence when it is long.
        let window = Self.sentenceWindow / 2
        let range =
            d.sentence.count <= Self.sentenceWindow
            ? d.sentence
            : max(
                d.sentence.lowerBound, d.evidence.lowerBound - window)..<min(
                    d.sentence.upperBound, d.evidence.upperBound + window)
        if sentences.range != range { sentences = (range, norm.originalString(norm.originalRange(range))) }
        return Fact(
            doc: doc, region: d.region?.name, regionCode: d.region?.code, year: d.year, kind: d.kind,
            indicator: indicator?.id, label: d.label, value: d.growthOnly ? nil : q.value,
            unit: d.growthOnly ? nil : q.unit, baseValue: d.growthOnly ? nil : q.baseValue,
            unitClass: d.growthOnly ? nil : unitClass, qualifier: q.qualifier,
            growthPct: d.growth, measure: indicator == nil ? nil : d.measure, evidence: evidence.text,
            span: [evidence.span.lowerBound, evidence.span.upperBound],
            sentence: sentences.text, article: article, rule: d.rule.rawValue)
    }

    func extractedArticle(
        _ article: DocumentLayout.Article, ordinal: Int, prepared: PreparedText, subject: RegionResolver.Region?,
        year: Int?, setsTargets: Bool
    ) -> ExtractedArticle {
        let norm = prepared.norm
        /// A line as written, without the spaces and Markdown heading marks around it.
        func lineText(_ k: Int?) -> String? {
            k.map { line in
                var range = DocumentLayout.trimmed(prepared.scalars, prepared.layout.lines[line].range)
                while !range.isEmpty,
                    prepared.scalars[range.lowerBound] == Scalar.hash
                        || prepared.scalars[range.lowerBound] == Scalar.space
                {
                    range = (range.lowerBound + 1)..<range.upperBound
                }
                return norm.originalString(norm.originalRange(range))
            }
        }
        return ExtractedArticle(
            ordinal: ordinal, span: norm.originalRange(article.range), title: lineText(article.titleLine),
            dateline: article.datelineLine.flatMap {
                DocumentLayout.datelineRange(prepared.scalars, prepared.layout.lines[$0].range)
            }
            .map { norm.originalString(norm.originalRange($0)) },
            subject: subject.map { RegionReference(name: $0.name, code: $0.code) },
            year: year, setsTargets: setsTargets)
    }

    /// The gazetteer places the facts and articles use, each with its chain, parents first and once each.
    struct UsedRegions {
        private(set) var regions: [ResolvedRegion] = []
        private var codes = Set<String>()

        mutating func add(_ region: RegionResolver.Region, via resolver: RegionResolver) {
            guard let code = region.code, !codes.contains(code) else { return }
            for link in resolver.chain(of: region) where codes.insert(link.code).inserted { regions.append(link) }
        }
    }
}
