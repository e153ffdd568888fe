/// Finds the places a document names (gazetteer names, plus X镇/X村/X社区/X街道 patterns for what the gazetteer
/// lacks), chooses among same-named places with the document's other mentions (a parent named anywhere wins), and
/// picks each article's subject region: the most mentioned place, helped by 全镇/该市/我区-style references.
struct RegionResolver: Sendable {
    struct Region: Sendable, Equatable {
        var name: String
        var code: String?
        var level: Gazetteer.Level
    }

    struct Mention: Sendable {
        var range: Range<Int>
        /// Index into `regions`.
        var region: Int32
        var inHeading: Bool
    }

    let mentions: [Mention]
    /// The distinct places mentioned, each built once (not once per mention).
    let regions: [Region]
    /// For each region, the index of its name among the distinct names: articles tally their subject by name.
    let nameOfRegion: [Int32]
    let nameCount: Int

    /// Words that follow a place suffix to make an ordinary word (市场, 区域, 县域 …).
    static let wordContinuations = ScalarSet("场民域位属辖直外内")
    /// First characters that make a two-character "name" a phrase (和县, 各镇, 全区 …).
    static let shortNameStops = ScalarSet("和各全该本我每市省区县镇乡的在与及等两分城农级个新是为对有了")
    /// Characters before a pattern suffix that show it is not a name (文明村, 示范村, 美丽乡村 …).
    static let patternStops = ScalarSet("全该各本我每个等的级省市县区镇乡村和与及在对为是有了新明范丽政然城农个进出下到从向由至一二三四五六七八九十两几多余")

    init(_ s: [UInt32], layout: DocumentLayout, gazetteer: Gazetteer) {
        var found: [(range: Range<Int>, candidates: [Int32], fallback: Region?)] = []
        // Looked up once, not per character (each static access is a lazy-initialization check).
        let wordContinuations = Self.wordContinuations, shortNameStops = Self.shortNameStops
        let patternLast = Self.patternLast
        var i = 0
        while i < s.count {
            let c = s[i]
            if gazetteer.mayEndName(c), i + 1 >= s.count || !wordContinuations.contains(s[i + 1]),
                let match = gazetteer.longestName(in: s, endingAt: i, lowerBound: max(0, i - 12)),
                !(i - match.start == 1 && shortNameStops.contains(s[match.start]))
            {
                found.append((match.start..<(i + 1), match.entries, nil))
            } else if patternLast.contains(c), let pattern = Self.pattern(s, at: i) {  // the test saves a call per character
                found.append(pattern)
            }
            i += 1
        }
        // A headline like "昆山:…" names a place without its suffix.
        for line in layout.lines where line.isHeading {
            if let headline = Self.headlinePlace(s, line.range, gazetteer: gazetteer) { found.append(headline) }
        }
        // Choose among same-named places: the candidate most related (ancestor/descendant) to other mentions.
        // Linear: count how often each code is mentioned and how often it is an ancestor of a mentioned place.
        var mentioned: [UInt64: Int] = [:]
        var containing: [UInt64: Int] = [:]
        for f in found {
            for candidate in f.candidates {
                let entry = gazetteer.entries[Int(candidate)]
                mentioned[entry.code, default: 0] += 1
                for ancestor in gazetteer.ancestors(of: Int(candidate)) { containing[ancestor, default: 0] += 1 }
            }
        }
        var regions: [Region] = []
        var regionOfEntry: [Int: Int32] = [:]
        var regionOfPattern: [String: Int32] = [:]
        var mentions: [Mention] = []
        for f in found {
            let inHeading = layout.line(containing: f.range.lowerBound)?.isHeading ?? false
            if let region = f.fallback {
                let index = regionOfPattern[region.name] ?? Int32(regions.count)
                if index == regions.count {
                    regions.append(region)
                    regionOfPattern[region.name] = index
                }
                mentions.append(Mention(range: f.range, region: index, inHeading: inHeading))
                continue
            }
            var best = Int(f.candidates[0])
            if f.candidates.count > 1 {
                var bestScore = -1
                for candidate in f.candidates.map(Int.init) {
                    let code = gazetteer.entries[candidate].code
                    var score = containing[code] ?? 0
                    for ancestor in gazetteer.ancestors(of: candidate) { score += mentioned[ancestor] ?? 0 }
                    if score > bestScore { (best, bestScore) = (candidate, score) }
                }
            }
            let index = regionOfEntry[best] ?? Int32(regions.count)
            if index == regions.count {
                regions.append(
                    Region(name: gazetteer.name(best), code: gazetteer.codeString(best), level: gazetteer.entries[best].level))
                regionOfEntry[best] = index
            }
            mentions.append(Mention(range: f.range, region: index, inHeading: inHeading))
        }
        var nameIndex: [String: Int32] = [:]
        self.nameOfRegion = regions.map { region in
            if let known = nameIndex[region.name] { return known }
            nameIndex[region.name] = Int32(nameIndex.count)
            return Int32(nameIndex.count - 1)
        }
        self.nameCount = nameIndex.count
        self.regions = regions
        self.mentions = mentions.enumerated().sorted {
            ($0.element.range.lowerBound, $0.offset) < ($1.element.range.lowerBound, $1.offset)
        }.map(\.element)
    }

    /// X镇 / X乡 / X村 / X社区 / X街道 / X办事处 with a two-character X, for places the gazetteer lacks.
    static let patternSuffixes: [([UInt32], Gazetteer.Level)] = [
        ("镇", Gazetteer.Level.town), ("街道", .town), ("办事处", .town), ("村", .village), ("社区", .village),
    ].map { ($0.0.scalarValues, $0.1) }
    static let patternLast = ScalarSet(patternSuffixes.map { $0.0.last! })

    static func pattern(_ s: [UInt32], at i: Int) -> (range: Range<Int>, candidates: [Int32], fallback: Region?)? {
        guard patternLast.contains(s[i]) else { return nil }
        for (text, level) in patternSuffixes {
            guard s[i] == text.last!, i - text.count + 1 >= 0, s[(i - text.count + 1)...i].elementsEqual(text) else {
                continue
            }
            let nameStart = i - text.count + 1 - 2
            guard nameStart >= 0 else { return nil }
            let a = s[nameStart], b = s[nameStart + 1]
            guard isHan(a), isHan(b), !patternStops.contains(a), !patternStops.contains(b) else { return nil }
            if i + 1 < s.count && (wordContinuations.contains(s[i + 1]) || s[i + 1] == 0x7EA7) { return nil }  // 镇级
            return (nameStart..<(i + 1), [], Region(name: String(scalarValues: s[nameStart...i]), code: nil, level: level))
        }
        return nil
    }

    static func headlinePlace(_ s: [UInt32], _ range: Range<Int>, gazetteer: Gazetteer)
        -> (range: Range<Int>, candidates: [Int32], fallback: Region?)?
    {
        guard let colon = s[range].firstIndex(where: { $0 == 0x3A }), (2...4).contains(colon - range.lowerBound),
            s[range.lowerBound..<colon].allSatisfy(isHan)
        else { return nil }
        for suffix in ["市", "县", "区"] {
            var key = Array(s[range.lowerBound..<colon])
            key.append(suffix.unicodeScalars.first!.value)
            var hash = Gazetteer.seed
            for v in key.reversed() { hash = Gazetteer.step(hash, v) }
            let entries = gazetteer.entries(named: key, 0, key.count, hash: hash)
            if !entries.isEmpty { return (range.lowerBound..<colon, entries, nil) }
        }
        return nil
    }

    @inline(__always) static func isHan(_ c: UInt32) -> Bool { c >= 0x4E00 && c <= 0x9FFF }

    /// References to the article's own place, by the suffix they stand for.
    static let references: [([UInt32], String)] = [
        ("全镇", "镇"), ("该镇", "镇"), ("本镇", "镇"), ("我镇", "镇"), ("全乡", "乡"), ("该乡", "乡"), ("全区", "区"),
        ("该区", "区"), ("本区", "区"), ("我区", "区"), ("全县", "县"), ("该县", "县"), ("本县", "县"), ("我县", "县"),
        ("全市", "市"), ("该市", "市"), ("本市", "市"), ("我市", "市"), ("该街道", "街道"), ("全街道", "街道"),
        ("本街道", "街道"),
    ].map { ($0.0.scalarValues, $0.1) }

    static let referenceFirsts = ScalarSet(references.map { $0.0[0] })

    /// The place an article is about.
    func subject(of article: Range<Int>, in s: [UInt32]) -> Region? {
        // Tallies by name, in order of first mention (which also settles ties between equal tallies).
        var tallies: [(region: Region, score: Int, first: Int)] = []
        var tallyOfName: [Int32: Int] = [:]
        var lo = 0, hi = mentions.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if mentions[mid].range.lowerBound < article.lowerBound { lo = mid + 1 } else { hi = mid }
        }
        for m in mentions[lo...] {
            if m.range.lowerBound >= article.upperBound { break }
            let weight = m.inHeading ? 2 : 1
            let name = nameOfRegion[Int(m.region)]
            if let k = tallyOfName[name] {
                tallies[k].score += weight
            } else {
                tallyOfName[name] = tallies.count
                tallies.append((regions[Int(m.region)], weight, m.range.lowerBound))
            }
        }
        guard !tallies.isEmpty else { return nil }
        // Which references the article uses, found in one pass rather than one search per reference.
        var used = [Bool](repeating: false, count: Self.references.count)
        for i in article where Self.referenceFirsts.contains(s[i]) {
            for (k, (text, _)) in Self.references.enumerated()
            where !used[k] && text[0] == s[i] && i + text.count <= article.upperBound
                && s[i..<(i + text.count)].elementsEqual(text)
            {
                used[k] = true
            }
        }
        for (k, (text, suffix)) in Self.references.enumerated() where used[k] {
            // 该市/本区/我镇 name the subject itself; 全市 in a district report often means the parent city.
            let votes = text[0] == 0x5168 ? 1 : 2
            let target = tallies.indices.filter { tallies[$0].region.name.hasSuffix(suffix) }
                .max { (tallies[$0].score, tallies[$0].region.level) < (tallies[$1].score, tallies[$1].region.level) }
            if let target { tallies[target].score += votes }
        }
        return tallies.max { a, b in
            (a.score, a.region.level, -a.first) < (b.score, b.region.level, -b.first)
        }?.region
    }

    /// The region of a figure at `position`: a place named earlier in its sentence when it is the subject or more
    /// specific (a town in a district report), otherwise the article's subject.
    func region(at position: Int, sentence: Range<Int>, subject: Region?) -> Region? {
        // Binary search for the last mention starting before `position`, then step back within the sentence.
        var lo = 0, hi = mentions.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if mentions[mid].range.lowerBound < position { lo = mid + 1 } else { hi = mid }
        }
        var named: Mention? = nil
        var k = lo - 1
        while k >= 0, mentions[k].range.lowerBound >= sentence.lowerBound {
            if mentions[k].range.upperBound <= position { named = mentions[k]; break }
            k -= 1
        }
        guard let named else { return subject }
        let region = regions[Int(named.region)]
        guard let subject else { return region }
        return region.level >= subject.level ? region : subject
    }
}
