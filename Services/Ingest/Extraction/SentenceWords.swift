/// The lexicon's lists the sentence rules read, taken once when the engine is built (see `markers.tsv` for what each
/// category means).
struct SentenceWords: Sendable {
    let rise: PhraseList
    let decline: PhraseList
    /// What may stand between a figure and its growth rate: fillers, growth verbs and a label's tail.
    let growthGap: PhraseList
    let toLevel: ScalarSet
    let comparison: PhraseList
    /// Verbs that state a change after a comparison word ("较2017年增加43天").
    let changeVerbs: PhraseList
    let levelFiller: PhraseList
    /// Level fillers and the words of stock and new additions ("新增5家", "累计达到25家").
    let measureFiller: PhraseList
    let trailingVerbs: PhraseList
    let otherStatistic: PhraseList
    let bracket: PhraseList
    let milestone: PhraseList
    /// "突破百亿元": a milestone without digits (its verb, then only `roundMilestoneWords`).
    let roundMilestoneVerbs: PhraseList
    let roundMilestoneWords: ScalarSet
    let thresholdNouns: PhraseList
    let added: PhraseList
    let levelMarkers: PhraseList
    let investment: PhraseList
    /// Investment words with what may lead them (fillers, a goal, a time, the count's noun): all a figure's own words
    /// may be to give its count's investment ("、吸金超", "力争年内投资总规模突破"; not "实现产业投资").
    let investmentPhrase: PhraseList
    let investmentSuffixes: [String]
    /// What a place will have once a project is done: no actual, no goal.
    let projection: PhraseList
    /// A sum over a multi-year span, in an article about one.
    let spanSum: PhraseList
    let respectively: PhraseList
    let each: PhraseList
    /// 位居, 位列 …: a figure after 以 and before one of these ranks a place by the article's indicator.
    let rank: PhraseList
    let listSeparators: PhraseList
    let clauseDelimiters: ScalarSet

    init(lexicon: Lexicon) {
        rise = lexicon[.growthRise]
        decline = lexicon[.growthDecline]
        growthGap =
            lexicon[.growthFiller] + lexicon[.growthRise] + lexicon[.growthDecline] + lexicon[.labelTail]
            + lexicon[.listRespectively]
        toLevel = lexicon.characters(.growthToLevel)
        comparison = lexicon[.comparison]
        changeVerbs = lexicon[.growthRise] + lexicon[.growthDecline] + lexicon[.changeVerb]
        levelFiller = lexicon[.levelFiller] + lexicon[.labelTail]
        measureFiller = levelFiller + lexicon[.measureAdded] + lexicon[.measureLevel]
        trailingVerbs = lexicon[.labelTrailingVerb]
        otherStatistic = lexicon[.labelOtherStatistic]
        bracket = lexicon[.quantityBracket]
        milestone = lexicon[.quantityMilestone]
        roundMilestoneVerbs = lexicon[.quantityRoundMilestoneVerb]
        roundMilestoneWords = lexicon.characters(.quantityRoundMilestoneWords)
        thresholdNouns = lexicon[.quantityThresholdNoun]
        added = lexicon[.measureAdded]
        levelMarkers = lexicon[.measureLevel]
        investment = lexicon[.investmentWord]
        investmentPhrase =
            investment + lexicon[.levelFiller] + lexicon[.qualifierPrefix] + lexicon[.targetMarker]
            + lexicon[.regionTopicLead] + lexicon[.yearPeriod] + lexicon[.quantityThresholdNoun]
        investmentSuffixes = lexicon[.investmentSuffix].phrases.map { String(scalarValues: $0.scalars) }
        projection = lexicon[.projectionMarker]
        spanSum = lexicon[.spanSum]
        respectively = lexicon[.listRespectively]
        each = lexicon[.listEach]
        rank = lexicon[.listRank]
        listSeparators = lexicon[.listSeparator]
        clauseDelimiters = lexicon.characters(.clauseDelimiter)
    }

    /// How far back a bracketed aside may open and still belong to the label before it ("地区生产总值(GDP)100亿元").
    static let asideReach = 12

    /// Start of the clause holding `position`: after the last delimiter before it. A short bracketed aside right
    /// before is part of the clause ("地区生产总值(GDP)…"): it does not end the label.
    func clauseStart(_ s: [UInt32], before position: Int, floor: Int) -> Int {
        var i = position
        while i > floor {
            let c = s[i - 1]
            if c == Scalar.closeParen,
                let open = s[max(floor, i - 1 - Self.asideReach)..<(i - 1)].lastIndex(of: Scalar.openParen),
                open > floor
            {
                i = open
                continue
            }
            if clauseDelimiters.contains(c) { break }
            i -= 1
        }
        return i
    }

    /// Punctuation and spaces, ignored when judging what a stretch of text says.
    @inline(__always) static func isNoise(_ c: UInt32) -> Bool {
        c == Scalar.space || c == Scalar.comma || c == Scalar.ideographicComma || LabelMatcher.isQuote(c)
    }
}
