import ZhibiaoModels

extension SentenceReader {
    struct Listed: Sendable {
        var label: String
        var indicator: Int?
        var qualifier: Qualifier
    }

    static let fenbie = "分别".scalarValues

    /// "科技型企业、高新技术企业总量分别突破200家、100家": the labels before 分别 pair in order with the figures after
    /// it, and a qualifier written once (突破) holds for all of them.
    func fenbieLists(
        _ s: [UInt32], _ qs: [Quantity], clauseStarts: [Int], windowStarts: [Int], consumed: [Bool]
    ) -> [Int: Listed] {
        var result: [Int: Listed] = [:]
        var k = 0
        while k < qs.count {
            guard !consumed[k], let at = ScalarSearch.lastIndex(s[windowStarts[k]..<qs[k].start], Self.fenbie)
            else {
                k += 1
                continue
            }
            var members = [k]
            var j = k + 1
            while j < qs.count, !consumed[j], qs[j].unitClass == qs[k].unitClass,
                s[qs[j - 1].end..<qs[j].start].allSatisfy({ Phrases.listSeparators.contains($0) || $0 == 0x20 }),
                qs[j].start - qs[j - 1].end <= 2
            {
                members.append(j)
                j += 1
            }
            k = j
            guard members.count >= 2 else { continue }
            // The labels: the clause before 分别, split at 、和及与.
            var parts: [Range<Int>] = []
            var partStart = clauseStarts[members[0]]
            for i in partStart..<at where s[i] == 0x3001 || s[i] == 0x548C || s[i] == 0x53CA || s[i] == 0x4E0E {
                parts.append(partStart..<i)
                partStart = i + 1
            }
            parts.append(partStart..<at)
            guard parts.count == members.count else { continue }
            let qualifier = qs[members[0]].qualifier
            for (part, member) in zip(parts, members) {
                let q = qs[member]
                var match: LabelMatcher.Match? = nil
                for m in taxonomy.matcher.matches(s, part)
                where compatible(taxonomy.indicators[m.indicator].unitClass, q) {
                    if match == nil || m.range.count > match!.range.count { match = m }
                }
                let label = match.map { text(s, $0.range) } ?? rawLabel(s, part)
                result[member] = Listed(label: label, indicator: match?.indicator, qualifier: qualifier)
            }
        }
        return result
    }
}
