/// Finds the places a document names and decides which place each figure is about.
///
/// Mentions: gazetteer names (温州市), X镇/X村/X社区/X街道 patterns for what the gazetteer lacks, headline places
/// ("昆山:…"), and short names (温州, 宜都) once the text's context admits them: a prefecture whose province the text
/// names, a county whose prefecture it names, any provincial capital or province, a city a newspaper is named after
/// ("新乡日报"). Same-named places are told apart by the document's other mentions. References (全镇, 该市, 我区 …)
/// stand for the article's subject, or the nearest place of their level.
///
/// A figure's place: the place named before it in its sentence (nearest; a more specific place of the same chain
/// wins), unless named as a comparison or an exception ("比全省", "除常州外"); otherwise the article's subject.
struct RegionResolver: Sendable {
    struct Region: Sendable, Equatable {
        var name: String
        var code: String?
        var level: Gazetteer.Level
        /// The gazetteer entry, nil for a pattern-only place.
        var entry: Int32?
    }

    struct Mention: Sendable {
        var range: Range<Int>
        /// Index into `regions`.
        var region: Int32
        var inHeading: Bool
        /// Named as a comparison, an agent, an exception, a certification level or a dateline's place ("本报深圳专电"):
        /// never the subject of a figure, and not counted for an article's subject.
        var isAside: Bool
    }

    /// 全镇, 该市, 我区 …: stands for a place of the level its suffix names.
    struct Reference: Sendable {
        var range: Range<Int>
        var suffix: String
        /// 该X points back to the last place of its level; 全X/本X/我X mean the text's own place first.
        var isAnaphor: Bool
    }

    /// The lexicon's place words, taken once.
    struct Words: Sendable {
        let references: PhraseList
        let notPlace: PhraseList
        let wordContinuations: ScalarSet
        let shortNameStops: ScalarSet
        let patternStops: ScalarSet
        let newspapers: PhraseList
        /// Words before a place that make it an aside: a comparison, an agent, an exception (比, 被, 除 …), or a
        /// certification level after a word of new additions ("新增长沙市科技型企业": the firms, not the city).
        let asideBefore: PhraseList
        /// Longer words ending in an aside word that name their place as the topic after all (关于, 对于).
        let topicBefore: PhraseList
        /// What may open a clause before its topic place (其中, years, 上半年 …).
        let topicLead: PhraseList
        /// Common words (新增, 增长, 完成投资 …): one that runs into a short name's first character makes it a word.
        let commonWords: PhraseList

        init(lexicon: Lexicon) {
            references = lexicon[.regionReference]
            notPlace = lexicon[.regionNotPlace]
            wordContinuations = lexicon.characters(.regionWordContinuation)
            shortNameStops = lexicon.characters(.regionShortNameStop)
            patternStops = lexicon.characters(.regionPatternStop)
            newspapers = lexicon[.regionNewspaper]
            asideBefore = lexicon[.regionNotSubjectBefore] + lexicon[.measureAdded]
            topicBefore = lexicon[.regionSubjectBefore]
            topicLead = lexicon[.regionTopicLead] + lexicon[.yearPeriod] + lexicon[.yearRelative]
            commonWords =
                lexicon[.measureAdded] + lexicon[.growthRise] + lexicon[.growthDecline] + lexicon[.investmentWord]
        }

        /// Whether the words right before a place at `start` make it an aside (比, 被, 除 …, not 关于).
        func isAside(_ s: [UInt32], before start: Int) -> Bool {
            let floor = max(0, start - 3)
            return asideBefore.match(s, endingAt: start, start: floor) != nil
                && topicBefore.match(s, endingAt: start, start: floor) == nil
        }

        /// Whether a common word starts before `start` and ends after it.
        func runsInto(_ s: [UInt32], at start: Int) -> Bool {
            (max(0, start - 3)..<start).contains { p in
                commonWords.match(s, at: p, end: s.count).map { p + $0.scalars.count > start } ?? false
            }
        }
    }

    let gazetteer: Gazetteer
    let words: Words
    let mentions: [Mention]
    let references: [Reference]
    /// The distinct places mentioned, each built once (not once per mention).
    let regions: [Region]
    /// The place a producer said the report is about, for an article that names none.
    let hint: Region?

    /// 该: the anaphoric reference ("该市" is the city just named).
    static let anaphor: UInt32 = 0x8BE5
    /// A reference to the province (全省, 该省).
    static let provinceSuffix = "省"
    static let townSuffixes = ScalarSet("镇乡街")

    init(_ s: [UInt32], layout: DocumentLayout, gazetteer: Gazetteer, words: Words, hint: String?) {
        self.gazetteer = gazetteer
        self.words = words
        var found = Self.plausible(
            Self.fullNamesAndPatterns(s, layout: layout, gazetteer: gazetteer, words: words), s: s,
            gazetteer: gazetteer,
            words: words)
        // The context that admits short names: the provinces and prefectures the full names lie in.
        var provinces = Set<Int>()
        var cities = Set<Int>()
        for f in found where f.candidates.count == 1 {
            var entry = Int(f.candidates[0])
            provinces.insert(gazetteer.province(of: entry))
            while let parent = gazetteer.parent(of: entry), gazetteer.entries[entry].level > .city { entry = parent }
            if gazetteer.entries[entry].level == .city { cities.insert(entry) }
        }
        found += Self.shortNames(
            s, gazetteer: gazetteer, words: words, taken: found, provinces: provinces, cities: cities)
        found.sort { $0.range.lowerBound < $1.range.lowerBound }
        var references: [Reference] = []
        var i = 0
        while i < s.count {
            if let phrase = words.references.match(s, at: i, end: s.count) {
                references.append(
                    Reference(
                        range: i..<(i + phrase.scalars.count), suffix: phrase.value,
                        isAnaphor: s[i] == Self.anaphor))
                i += phrase.scalars.count
            } else {
                i += 1
            }
        }
        self.references = references
        let hint = hint.flatMap { Self.lookup($0, gazetteer: gazetteer) }
        (regions, mentions) = Self.resolveCandidates(
            found, s: s, layout: layout, gazetteer: gazetteer, words: words, hint: hint?.entry.map(Int.init))
        self.hint = hint
    }

    typealias Found = (range: Range<Int>, candidates: [Int32], fallback: Region?)

    /// Gazetteer names and X镇/X村 patterns, left to right.
    private static func fullNamesAndPatterns(
        _ s: [UInt32], layout: DocumentLayout, gazetteer: Gazetteer, words: Words
    ) -> [Found] {
        var found: [Found] = []
        let index = gazetteer.fullNames
        var i = 0
        while i < s.count {
            let c = s[i]
            defer { i += 1 }
            // An ordinary word ending here (特色小镇, 改造街道) is no place, unless a name reaches before it (大兴镇).
            let word = words.notPlace.match(s, endingAt: i + 1, start: max(0, i - 8)).map { i + 1 - $0.scalars.count }
            if index.mayEndName(c), i + 1 >= s.count || !words.wordContinuations.contains(s[i + 1]),
                let match = index.longestName(in: s, endingAt: i, lowerBound: max(0, i - 12), in: gazetteer),
                !(i - match.start == 1 && words.shortNameStops.contains(s[match.start]))
            {
                if let word, word <= match.start { continue }
                found.append((match.start..<(i + 1), match.entries, nil))
            } else if let alias = ethnicTownship(s, at: i, gazetteer: gazetteer) {
                if let word, word <= alias.range.lowerBound { continue }
                found.append(alias)
            } else if patternLast.contains(c),
                let pattern = pattern(s, at: i, words: words, previousEnd: found.last?.range.upperBound)
            {
                if let word, word <= pattern.range.lowerBound { continue }
                found.append(pattern)
            } else if let renamed = renamedCounty(s, at: i, gazetteer: gazetteer) {
                if let word, word <= renamed.range.lowerBound { continue }
                found.append(renamed)
            }
        }
        // A headline like "昆山:…" names a place without its suffix.
        for line in layout.lines where line.isHeading {
            if let headline = headlinePlace(s, line.range, gazetteer: gazetteer) { found.append(headline) }
        }
        return found
    }

    /// The longest name a short county or town name may have to be doubted (增城区 inside "新增城区").
    static let doubtfulLength = 3

    /// Drops a short county- or town-level name found once in a province no other place of the text lies in, when
    /// another province holds two places or more: a word that happens to spell a far-away place ("新增城区" in a
    /// 山东 county's report), not a place the text is about.
    /// Also drops such a name when a common word runs into its first character ("新增城区": 新增 + 城区).
    private static func plausible(_ found: [Found], s: [UInt32], gazetteer: Gazetteer, words: Words) -> [Found] {
        var votes: [Int: Int] = [:]
        for f in found where f.candidates.count == 1 {
            votes[gazetteer.province(of: Int(f.candidates[0])), default: 0] += 1
        }
        let top = votes.values.max() ?? 0
        return found.filter { f in
            guard f.range.count <= doubtfulLength, f.candidates.allSatisfy({ gazetteer.entries[Int($0)].level > .city })
            else { return true }
            if words.runsInto(s, at: f.range.lowerBound) { return false }
            guard top >= 2, f.candidates.count == 1 else { return true }
            return votes[gazetteer.province(of: Int(f.candidates[0]))]! > 1
        }
    }

    /// Short names the context admits, outside the full names already found: a province the full names lie in; a
    /// prefecture in such a province, a capital, or a newspaper's city ("新乡日报"); a county in a prefecture the
    /// full names lie in. Prefectures' short names also admit each other: two of one province, or the province and
    /// one of them ("福建…泉州").
    private static func shortNames(
        _ s: [UInt32], gazetteer: Gazetteer, words: Words, taken: [Found], provinces: Set<Int>, cities: Set<Int>
    ) -> [Found] {
        // The full names found, by position: a short name inside one is not looked for (binary search, not a flag
        // per character of a large text).
        let takenRanges = taken.map(\.range).sorted { $0.lowerBound < $1.lowerBound }
        func isCovered(_ k: Int) -> Bool {
            let after = takenRanges.partition { $0.lowerBound <= k }
            return after > 0 && takenRanges[after - 1].contains(k)
        }
        let index = gazetteer.shortNames
        var raw: [(found: Found, newspaper: Bool)] = []
        var i = 0
        while i < s.count {
            defer { i += 1 }
            guard index.mayEndName(s[i]), !isCovered(i),
                let match = index.longestName(in: s, endingAt: i, lowerBound: max(0, i - 8), in: gazetteer),
                !isCovered(match.start)
            else { continue }
            raw.append(
                ((match.start..<(i + 1), match.entries, nil), words.newspapers.match(s, at: i + 1, end: s.count) != nil)
            )
        }
        // The group a short name supports: a province and its prefectures. (Counties do not support each other:
        // too many of their short names are ordinary words: 向阳, 东山, 南山.)
        func group(_ entry: Int) -> Int? {
            switch gazetteer.entries[entry].level {
            case .province: entry
            case .city: gazetteer.province(of: entry)
            default: nil
            }
        }
        var members: [Int: Set<Int>] = [:]
        for r in raw {
            for id in r.found.candidates { if let g = group(Int(id)) { members[g, default: []].insert(Int(id)) } }
        }
        let supported = { (entry: Int) in group(entry).map { (members[$0]?.count ?? 0) >= 2 } ?? false }
        var kept: [Found] = []
        for r in raw {
            let admitted = r.found.candidates.filter { id in
                let entry = Int(id)
                if supported(entry) { return true }
                switch gazetteer.entries[entry].level {
                case .province: return provinces.contains(entry)
                case .city:
                    return r.newspaper || gazetteer.isCapital(entry)
                        || provinces.contains(gazetteer.province(of: entry))
                default:
                    return gazetteer.parent(of: entry).map { cities.contains($0) } ?? false
                }
            }
            guard !admitted.isEmpty else { continue }
            // Overlapping short names (连云 inside 连云港): the longest wins. Found by their ends, left to right, so
            // an overlap is always with the last one kept.
            if let last = kept.last, last.range.overlaps(r.found.range) {
                if r.found.range.count > last.range.count { kept[kept.count - 1] = (r.found.range, admitted, nil) }
            } else {
                kept.append((r.found.range, admitted, nil))
            }
        }
        return kept
    }

    /// Chooses among same-named places (the candidate most related to the other mentions: ancestor or descendant),
    /// and builds each distinct place once.
    private static func resolveCandidates(
        _ found: [Found], s: [UInt32], layout: DocumentLayout, gazetteer: Gazetteer, words: Words, hint: Int?
    ) -> ([Region], [Mention]) {
        var mentioned: [UInt64: Int] = [:]
        var containing: [UInt64: Int] = [:]
        for f in found {
            for candidate in f.candidates {
                mentioned[gazetteer.entries[Int(candidate)].code, default: 0] += 1
                for ancestor in gazetteer.ancestors(of: Int(candidate)) { containing[ancestor, default: 0] += 1 }
            }
        }
        // The producer's hint is context too: a town of that name inside the hinted county wins.
        if let hint {
            mentioned[gazetteer.entries[hint].code, default: 0] += 1
            for ancestor in gazetteer.ancestors(of: hint) { mentioned[ancestor, default: 0] += 1 }
        }
        var regions: [Region] = []
        var regionOfEntry: [Int: Int32] = [:]
        var regionOfPattern: [String: Int32] = [:]
        var mentions: [Mention] = []
        /// A place without a gazetteer entry: one region per name.
        func patternIndex(_ region: Region) -> Int32 {
            if let index = regionOfPattern[region.name] { return index }
            regions.append(region)
            regionOfPattern[region.name] = Int32(regions.count - 1)
            return Int32(regions.count - 1)
        }
        for f in found {
            let inHeading = layout.line(containing: f.range.lowerBound)?.isHeading ?? false
            let aside =
                words.isAside(s, before: f.range.lowerBound)
                || layout.isInDateline(f.range, s)
            if let region = f.fallback {
                // A place of the gazetteer written another way (三河乡 for 三河回族乡) is one region with its other
                // mentions, named as first written; a pattern-only place is one per name.
                var index: Int32
                if let entry = region.entry.map(Int.init) {
                    index = regionOfEntry[entry] ?? Int32(regions.count)
                    if index == regions.count {
                        regions.append(region)
                        regionOfEntry[entry] = index
                    }
                } else {
                    index = patternIndex(region)
                }
                mentions.append(Mention(range: f.range, region: index, inHeading: inHeading, isAside: aside))
                continue
            }
            var best = Int(f.candidates[0])
            if f.candidates.count > 1 {
                var bestScore = -1
                for candidate in f.candidates.map(Int.init) {
                    var score = containing[gazetteer.entries[candidate].code] ?? 0
                    for ancestor in gazetteer.ancestors(of: candidate) { score += mentioned[ancestor] ?? 0 }
                    if score > bestScore { (best, bestScore) = (candidate, score) }
                }
                // Several places of that name and nothing in the text (or the hint) to choose: the name as written,
                // without a code, rather than the first of them (a town in another province).
                if bestScore == 0 {
                    let name = String(scalarValues: s[f.range])
                    let index = patternIndex(
                        Region(name: name, code: nil, level: gazetteer.entries[best].level, entry: nil))
                    mentions.append(Mention(range: f.range, region: index, inHeading: inHeading, isAside: aside))
                    continue
                }
            }
            let index = regionOfEntry[best] ?? Int32(regions.count)
            if index == regions.count {
                regions.append(region(of: best, gazetteer: gazetteer))
                regionOfEntry[best] = index
            }
            mentions.append(Mention(range: f.range, region: index, inHeading: inHeading, isAside: aside))
        }
        return (regions, mentions)
    }

    static func region(of entry: Int, gazetteer: Gazetteer) -> Region {
        Region(
            name: gazetteer.name(entry), code: gazetteer.codeString(entry), level: gazetteer.entries[entry].level,
            entry: Int32(entry))
    }

    /// A producer's hint: a gazetteer code, a full name, or a short name (the first entry wins).
    static func lookup(_ hint: String, gazetteer: Gazetteer) -> Region? {
        let trimmed = hint.trimmingCharacters(in: .whitespaces)
        if let code = UInt64(trimmed), let entry = gazetteer.entries.firstIndex(where: { $0.code == code }) {
            return region(of: entry, gazetteer: gazetteer)
        }
        let name = trimmed.scalarValues
        guard !name.isEmpty else { return nil }
        let entries = gazetteer.fullNames.lookup(name, in: gazetteer) + gazetteer.shortNames.lookup(name, in: gazetteer)
        return entries.first.map { region(of: Int($0), gazetteer: gazetteer) }
    }

    // MARK: - Patterns

    /// X镇 / X乡 / X村 / X社区 / X街道 / X办事处 with a two-character X, for places the gazetteer lacks.
    static let patternSuffixes: [([UInt32], Gazetteer.Level)] = [
        ("镇", Gazetteer.Level.town), ("街道", .town), ("办事处", .town), ("村", .village), ("社区", .village),
    ].map { ($0.0.scalarValues, $0.1) }
    static let patternLast = ScalarSet(patternSuffixes.map { $0.0.last! })
    /// 级, after a place suffix: "镇级" is a level, not a place.
    static let grade: UInt32 = 0x7EA7

    /// The longest name a pattern takes when it follows the place that contains it.
    static let chainedNameLength = 4

    /// `previousEnd`: where the place found just before ends, when it may contain this one.
    static func pattern(_ s: [UInt32], at i: Int, words: Words, previousEnd: Int? = nil) -> Found? {
        for (text, level) in patternSuffixes {
            guard s[i] == text.last!, i - text.count + 1 >= 0, s[(i - text.count + 1)...i].elementsEqual(text) else {
                continue
            }
            let suffixStart = i - text.count + 1
            var nameStart = suffixStart - 2
            guard nameStart >= 0 else { return nil }
            let a = s[nameStart]
            let b = s[nameStart + 1]
            guard Scalar.isHan(a), Scalar.isHan(b), !words.patternStops.contains(a), !words.patternStops.contains(b)
            else { return nil }
            if i + 1 < s.count && (words.wordContinuations.contains(s[i + 1]) || s[i + 1] == grade) { return nil }
            // A longer name right after the place that contains it ("…街道东风路社区"): up to `chainedNameLength`.
            if let previousEnd {
                let longer = previousEnd
                if suffixStart - longer > 2, suffixStart - longer <= chainedNameLength,
                    s[longer..<suffixStart].allSatisfy({ Scalar.isHan($0) && !words.patternStops.contains($0) })
                {
                    nameStart = longer
                }
            }
            return (
                nameStart..<(i + 1), [],
                Region(name: String(scalarValues: s[nameStart...i]), code: nil, level: level, entry: nil)
            )
        }
        return nil
    }

    /// The suffixes of a county-level name, which a place keeps or changes when it is reorganized (撤县设区: 栾城县
    /// became 栾城区; 撤县设市).
    static let countySuffixes = ScalarSet(["县", "市", "区", "旗"].map { $0.scalarValues[0] })

    /// A county under the name it had before a reorganization ("栾城县" in an older report, 栾城区 in the gazetteer):
    /// the short name of exactly one county-level entry, then another county suffix. It keeps the name as written,
    /// with the entry's code and parents.
    static func renamedCounty(_ s: [UInt32], at i: Int, gazetteer: Gazetteer) -> Found? {
        guard countySuffixes.contains(s[i]), i >= 2,
            let match = gazetteer.shortNames.longestName(
                in: s, endingAt: i - 1, lowerBound: max(0, i - 5), in: gazetteer),
            i - match.start >= 2
        else { return nil }
        let counties = match.entries.filter { gazetteer.entries[Int($0)].level == .county }
        guard counties.count == 1, let entry = counties.first else { return nil }
        let written = String(scalarValues: s[match.start...i])
        return (
            match.start..<(i + 1), [entry],
            Region(name: written, code: gazetteer.codeString(Int(entry)), level: .county, entry: entry)
        )
    }

    /// An ethnic township as texts also write it (三河乡 or 三河回乡 for 三河回族乡, `Gazetteer.ethnicAliases`), ending
    /// at `i`: the gazetteer's entry under the name as written.
    static func ethnicTownship(_ s: [UInt32], at i: Int, gazetteer: Gazetteer) -> Found? {
        guard townshipLast.contains(s[i]) else { return nil }
        for length in stride(from: min(gazetteer.longestEthnicAlias, i + 1), through: 3, by: -1) {
            let range = (i + 1 - length)..<(i + 1)
            guard let entry = gazetteer.ethnicAliases[Array(s[range])] else { continue }
            return (
                range, [entry],
                Region(
                    name: String(scalarValues: s[range]), code: gazetteer.codeString(Int(entry)), level: .town,
                    entry: entry)
            )
        }
        return nil
    }

    static let townshipLast = ScalarSet(Gazetteer.townshipSuffixes.map { $0.last! })

    static let headlineSuffixes = ["市", "县", "区"].map(\.scalarValues)

    static func headlinePlace(_ s: [UInt32], _ range: Range<Int>, gazetteer: Gazetteer) -> Found? {
        guard let colon = s[range].firstIndex(where: { $0 == Scalar.colon }),
            (2...4).contains(colon - range.lowerBound),
            s[range.lowerBound..<colon].allSatisfy(Scalar.isHan)
        else { return nil }
        for suffix in headlineSuffixes {
            let entries = gazetteer.fullNames.lookup(Array(s[range.lowerBound..<colon]) + suffix, in: gazetteer)
            if !entries.isEmpty { return (range.lowerBound..<colon, entries, nil) }
        }
        return nil
    }

    // MARK: - Subjects and figures

    /// The place an article is about: the most mentioned (headlines count twice), helped by references to it
    /// (该市/本区/我镇 count twice; 全市 once, as a district report's 全市 often means its parent city); the producer's
    /// hint when the article names no place.
    func subject(of article: Range<Int>, in s: [UInt32]) -> Region? {
        var tallies: [(region: Region, score: Int, first: Int)] = []
        var tallyOfName: [String: Int] = [:]
        for m in mentions(in: article) where !m.isAside {
            let weight = m.inHeading ? 2 : 1
            let region = regions[Int(m.region)]
            if let k = tallyOfName[region.name] {
                tallies[k].score += weight
            } else {
                tallyOfName[region.name] = tallies.count
                tallies.append((region, weight, m.range.lowerBound))
            }
        }
        guard !tallies.isEmpty else { return hint }
        var counted = Set<[UInt32]>()
        for reference in references(in: article) {
            let key = Array(s[reference.range])
            guard counted.insert(key).inserted else { continue }
            let votes = reference.isAnaphor || s[reference.range.lowerBound] != Self.whole ? 2 : 1
            let target = tallies.indices.filter { Self.name(tallies[$0].region.name, hasSuffix: reference.suffix) }
                .max { (tallies[$0].score, tallies[$0].region.level) < (tallies[$1].score, tallies[$1].region.level) }
            if let target { tallies[target].score += votes }
        }
        return tallies.max { a, b in
            (a.score, a.region.level, -a.first) < (b.score, b.region.level, -b.first)
        }?.region
    }

    /// 全, in 全市/全镇.
    static let whole: UInt32 = 0x5168

    static func name(_ name: String, hasSuffix suffix: String) -> Bool {
        name.hasSuffix(suffix) && name.utf8.count > suffix.utf8.count
    }

    /// The mentions inside `range`, in order.
    func mentions(in range: Range<Int>) -> ArraySlice<Mention> {
        mentions.run(
            from: { $0.range.lowerBound < range.lowerBound }, while: { $0.range.lowerBound < range.upperBound })
    }

    /// The references starting inside `range`, in order.
    func references(in range: Range<Int>) -> ArraySlice<Reference> {
        references.run(
            from: { $0.range.lowerBound < range.lowerBound }, while: { $0.range.lowerBound < range.upperBound })
    }

    /// Index of the first mention starting at or after `position`.
    func firstMention(from position: Int) -> Int { mentions.partition { $0.range.lowerBound < position } }

    /// The place of a figure at `position`: the places and references named before it in its own clause or in its
    /// sentence's first clause (the sentence's topic) — the nearest; an earlier, more specific place of the same chain
    /// wins — else the article's subject. Places named in between, in other clauses, are objects of other verbs.
    func region(
        at position: Int, in s: [UInt32], sentence: Range<Int>, clauses: SentenceClauses, article: Range<Int>,
        subject: Region?
    ) -> Region? {
        var named: [(position: Int, region: Region)] = []
        let opens = { (range: Range<Int>, start: Int) in self.opensClause(s, range, clauseStart: start) }
        for m in mentions(in: sentence.lowerBound..<position)
        where !m.isAside && m.range.upperBound <= position && clauses.admits(m.range, opensClause: opens) {
            named.append((m.range.lowerBound, regions[Int(m.region)]))
        }
        for reference in references(in: sentence.lowerBound..<position)
        where reference.range.upperBound <= position && clauses.admits(reference.range, opensClause: opens) {
            let earlier = named.last {
                $0.position < reference.range.lowerBound && Self.name($0.region.name, hasSuffix: reference.suffix)
            }
            if let region = earlier?.region ?? resolve(reference, article: article, subject: subject) {
                named.append((reference.range.lowerBound, region))
            }
        }
        guard var best = named.max(by: { $0.position < $1.position }) else { return subject }
        for candidate in named where candidate.position < best.position && isWithin(candidate.region, best.region) {
            best = candidate
        }
        return best.region
    }

    /// The clauses of a figure's sentence that may name its place: its own, the sentence's first (its topic), and
    /// a clause opened by a place (after 其中, a year …), which stays the topic of the clauses after it.
    struct SentenceClauses: Sendable {
        var firstEnd: Int
        var figureStart: Int
        /// Start of each clause before the figure's.
        var starts: [Int]

        func admits(_ range: Range<Int>, opensClause: (Range<Int>, Int) -> Bool) -> Bool {
            if range.lowerBound >= figureStart || range.upperBound <= firstEnd { return true }
            guard let start = starts.last(where: { $0 <= range.lowerBound }) else { return false }
            return opensClause(range, start)
        }
    }

    /// Whether only lead words (其中, a year, 上半年 …) stand between a clause's start and the place at `range`.
    func opensClause(_ s: [UInt32], _ range: Range<Int>, clauseStart: Int) -> Bool {
        words.topicLead.covers(s, clauseStart..<range.lowerBound) {
            SentenceReader.isYearText($0) || SentenceWords.isNoise($0)
        }
    }

    /// Whether `inner` lies inside `outer` in the gazetteer.
    func isWithin(_ inner: Region, _ outer: Region) -> Bool {
        guard let entry = inner.entry, let outerCode = outer.entry.map({ gazetteer.entries[Int($0)].code }) else {
            return false
        }
        return gazetteer.ancestors(of: Int(entry)).contains(outerCode)
    }

    /// What a reference stands for (a place of its level named earlier in the same sentence comes first, see
    /// `region(at:…)`): 全省 the subject's province; 该X the last place of its level named before it; 全X/我X/本X the
    /// subject when it has that level, else the last place of that level.
    func resolve(_ reference: Reference, article: Range<Int>, subject: Region?) -> Region? {
        if reference.suffix == Self.provinceSuffix {
            if let entry = subject?.entry {
                return Self.region(of: gazetteer.province(of: Int(entry)), gazetteer: gazetteer)
            }
        }
        let matchesLevel = { (region: Region) in Self.name(region.name, hasSuffix: reference.suffix) }
        if !reference.isAnaphor, let subject, matchesLevel(subject) { return subject }
        var k = firstMention(from: reference.range.lowerBound) - 1
        while k >= 0, mentions[k].range.lowerBound >= article.lowerBound {
            if matchesLevel(regions[Int(mentions[k].region)]) { return regions[Int(mentions[k].region)] }
            k -= 1
        }
        if let subject, matchesLevel(subject) { return subject }
        return nil
    }

    /// A place with its parents up to the province, parents first (gazetteer places only).
    func chain(of region: Region) -> [ResolvedRegion] {
        guard let start = region.entry else { return [] }
        var entries = [Int(start)]
        while let parent = gazetteer.parent(of: entries.last!) { entries.append(parent) }
        return entries.reversed().map { entry in
            ResolvedRegion(
                code: gazetteer.codeString(entry), name: gazetteer.name(entry),
                level: Self.storedLevel(gazetteer.entries[entry].level),
                parentCode: gazetteer.parent(of: entry).map(gazetteer.codeString))
        }
    }

    static func storedLevel(_ level: Gazetteer.Level) -> ResolvedRegion.Level {
        switch level {
        case .province: .province
        case .city: .city
        case .county: .county
        case .town, .village: .township
        }
    }
}
