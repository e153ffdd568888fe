import ZhibiaoModels

/// Actual or target. A figure is a target when its sentence announces a goal before it (预期目标, 力争, 拟, 计划,
/// 确保, 争取, future 将 …), when its article is a plan ("主要预期目标是…": every later figure of the plan year or after),
/// or when its year lies after the document's own year.
struct KindClassifier: Sendable {
    static let markers: [[UInt32]] = [
        "预期目标", "主要目标", "目标是", "目标为", "目标:", "力争", "争取", "拟", "计划", "预计", "确保", "将", "要",
        "努力实现", "力求",
    ].map(\.scalarValues)

    /// Characters that may follow future 将 (将在, 将继续, 将加快 …); 将 before a noun is the object marker (将辖区…).
    static let futureAfterJiang = ScalarSet("在继坚加进以全着重围紧持大深力确完实新建推聚突统积不开打锚按启投达提争努围再逐会于")
    /// Characters that may follow 要 as a goal (要实现, 要完成, 要达到, 要确保 …).
    static let goalAfterYao = ScalarSet("实完达确力新建打推")

    static let markerFirsts = ScalarSet(markers.map { $0[0] })

    /// Whether `s[range]` (the sentence up to the figure) holds a goal marker: one pass over the text, trying only
    /// the markers that start with the character at hand.
    static func hasMarker(_ s: [UInt32], _ range: Range<Int>) -> Bool {
        for at in range where markerFirsts.contains(s[at]) {
            for marker in markers
            where marker[0] == s[at] && at + marker.count <= range.upperBound
                && s[at..<(at + marker.count)].elementsEqual(marker) && isGoal(marker, s, at: at)
            {
                return true
            }
        }
        return false
    }

    /// Whether the marker found at `at` announces a goal, judging by its neighbours.
    static func isGoal(_ marker: [UInt32], _ s: [UInt32], at: Int) -> Bool {
        let next = at + marker.count < s.count ? s[at + marker.count] : 0
        let previous = at > 0 ? s[at - 1] : 0
        switch marker[0] {
        case 0x5C06:  // 将
            return futureAfterJiang.contains(next) || previous == 0x5373  // 即将
        case 0x8981:  // 要
            return goalAfterYao.contains(next) && marker.count == 1 && previous != 0x4E3B && previous != 0x91CD
        case 0x62DF:  // 拟: not 模拟 / 虚拟
            return previous != 0x6A21 && previous != 0x865A
        case 0x8BA1:  // 计划: not 计划生育, not a named programme (聚才计划”)
            return !LabelMatcher.isQuote(next) && next != 0x751F && !(0x2C...0x3F).contains(next) && next != 0x3001
        case 0x786E:  // 确保: not the past 确保了
            return next != 0x4E86
        default:
            return true
        }
    }

    static let planMarkers = ["预期目标", "主要目标"].map(\.scalarValues)

    /// Where a plan article begins its goals (the first 预期目标/主要目标), if it has any.
    static func planStart(_ s: [UInt32], article: Range<Int>) -> Int? {
        planMarkers.compactMap { ScalarSearch.firstIndex(s[article], $0) }.min()
    }

    static func kind(
        _ s: [UInt32], sentenceUpToFigure: Range<Int>, position: Int, year: Int?, plan: (start: Int, year: Int?)?,
        documentYear: Int?
    ) -> FactKind {
        if hasMarker(s, sentenceUpToFigure) { return .target }
        if let plan, position > plan.start, let planYear = plan.year, let year, year >= planYear { return .target }
        if let year, let documentYear, year > documentYear { return .target }
        return .actual
    }
}
