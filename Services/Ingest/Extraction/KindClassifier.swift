import ZhibiaoFacts

/// Actual or target. A figure is a target when
/// - its sentence announces a goal before it (预期目标, 力争, 拟, 计划, 确保, future 将 …; `target.marker`);
/// - it stands in a plan: after a plan opener ("主要预期目标是：…", "发展目标为：…") to the end of that numbered
///   section or of the article, or in a section whose heading names a plan ("二、2019年工作安排"), and its year is not
///   before the plan's;
/// - or its year lies after the document's own year.
/// Estimates in a review ("预计", "初步统计") are actuals.
struct KindClassifier: Sendable {
    let markers: PhraseList
    let afterJiang: ScalarSet
    let afterYao: ScalarSet
    let falseFriends: PhraseList
    let planOpeners: PhraseList
    /// Plan headings (工作安排, 主要任务 …): also a plan when they lead a paragraph before a colon ("2024年工作安排：").
    let planHeadings: PhraseList
    /// The longest false friend, to bound the search around a marker.
    let falseFriendReach: Int

    /// `target.marker` values naming a check on the neighbours.
    static let futureJiang = "jiang"
    static let goalYao = "yao"
    /// A marker that is a goal only as a verb, followed by a word ("计划投资"), not as a noun ending a name or a
    /// clause ("聚才计划”", "年度计划，").
    static let verbOnly = "verb"
    /// 即, before 将: "即将" is future.
    static let soon: UInt32 = 0x5373

    init(lexicon: Lexicon) {
        markers = lexicon[.targetMarker]
        afterJiang = lexicon.characters(.targetAfterJiang)
        afterYao = lexicon.characters(.targetAfterYao)
        falseFriends = lexicon[.targetFalseFriend]
        planOpeners = lexicon[.planOpener]
        planHeadings = lexicon[.sectionPlan]
        falseFriendReach = falseFriends.phrases.map(\.scalars.count).max() ?? 0
    }

    /// Where a plan begins in an article and where it ends, with the plan's year.
    struct Plan: Sendable {
        var range: Range<Int>
        var year: Int?
    }

    /// How far into a paragraph a plan heading before a colon may stand ("2024年工作安排：").
    static let leadLength = 16

    /// The plans of an article: each numbered section whose heading names a plan, and each plan opener (or a plan
    /// heading leading a paragraph before a colon) to the end of its section (or of the article).
    func plans(_ s: [UInt32], article: Range<Int>, layout: DocumentLayout, yearAt: (Int) -> Int?) -> [Plan] {
        var plans: [Plan] = []
        for section in layout.sections where section.isPlan && section.range.overlaps(article) {
            let range =
                max(section.range.lowerBound, article.lowerBound)..<min(section.range.upperBound, article.upperBound)
            plans.append(Plan(range: range, year: yearAt(range.lowerBound + 1)))
        }
        var openers: [Int] = []
        if let opener = planOpeners.firstMatch(s, in: article) { openers.append(opener.at) }
        for line in layout.lines[layout.lineRange(of: article)] {
            let lead = line.range.lowerBound..<min(line.range.upperBound, line.range.lowerBound + Self.leadLength)
            if let heading = planHeadings.firstMatch(s, in: lead),
                heading.at + heading.phrase.scalars.count < line.range.upperBound,
                s[heading.at + heading.phrase.scalars.count] == Scalar.colon
            {
                openers.append(heading.at)
            }
        }
        for opener in openers {
            let end =
                layout.section(containing: opener).map { min($0.range.upperBound, article.upperBound) }
                ?? article.upperBound
            plans.append(Plan(range: opener..<end, year: yearAt(opener + 1)))
        }
        return plans
    }

    func kind(
        _ s: [UInt32], sentenceUpToFigure: Range<Int>, position: Int, year: Int?, plans: [Plan], documentYear: Int?
    ) -> FactKind {
        if hasGoalMarker(s, sentenceUpToFigure) { return .target }
        for plan in plans where plan.range.contains(position) {
            guard let planYear = plan.year, let year else { return .target }
            if year >= planYear { return .target }
        }
        if let year, let documentYear, year > documentYear { return .target }
        return .actual
    }

    /// Whether `s[range]` (the sentence up to the figure) holds a goal marker.
    func hasGoalMarker(_ s: [UInt32], _ range: Range<Int>) -> Bool {
        var i = range.lowerBound
        while i < range.upperBound {
            if let marker = markers.match(s, at: i, end: range.upperBound), isGoal(marker, s, at: i) { return true }
            i += 1
        }
        return false
    }

    /// Whether the marker found at `at` announces a goal, judging by its neighbours: not inside a false friend
    /// (模拟, 计划生育, 确保了 …); future 将 and goal 要 only before the characters their lists allow.
    func isGoal(_ marker: PhraseList.Phrase, _ s: [UInt32], at: Int) -> Bool {
        let markerEnd = at + marker.scalars.count
        for start in max(0, at - falseFriendReach + 1)...at {
            if let word = falseFriends.match(s, at: start, end: s.count), start + word.scalars.count >= markerEnd,
                word.scalars.count > marker.scalars.count || start != at
            {
                return false
            }
        }
        let next = markerEnd < s.count ? s[markerEnd] : 0
        switch marker.value {
        case Self.futureJiang: return afterJiang.contains(next) || (at > 0 && s[at - 1] == Self.soon)
        case Self.goalYao: return afterYao.contains(next)
        case Self.verbOnly: return Scalar.isHan(next) || ChineseNumber.isDigit(next)
        default: return true
        }
    }
}
