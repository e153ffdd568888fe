/// Word lists the fact rules share, as scalar arrays. Kept in one place so the rules read as sentences.
enum Phrases {
    static func list(_ words: [String]) -> [[UInt32]] { words.map(\.scalarValues).sorted { $0.count > $1.count } }

    /// Words that may stand between a figure and the growth rate attached to it, besides the growth verb.
    static let growthFiller = list([
        "与上年同期相比", "与去年同期相比", "比上年同期", "较上年同期", "比去年同期", "较去年同期", "同比", "比上年", "较上年",
        "比去年", "较去年", "环比", "年均", "平均", "分别", "实现", "完成", "达到", "达", "为", "了", "约", "超", "近", "同期",
    ])
    /// Growth verbs; the first group makes the rate negative.
    static let decline = list(["下降", "减少", "降低", "回落", "下滑", "缩减"])
    static let rise = list(["增长", "增加", "提高", "提升", "上升", "增幅", "增速", "增"])
    /// Words meaning "up to" that turn a change verb into a level (增长到, 增至, 提高到 …).
    static let toLevel = ScalarSet("到至为")
    /// Comparison words: "较2017年增加43天" states a change, not the level.
    static let comparison = list(["较", "比", "同比", "环比"])

    /// Verbs and fillers that carry no meaning of their own between a label and its figure (累计达到, 增至 …).
    static let levelFiller = list([
        "累计达到", "累计", "总数", "总量", "总计", "合计", "共计", "共有", "共", "达到", "达", "增至", "增长到", "增加到", "提高到",
        "提升至", "提升到", "扩大至", "扩大到", "上升到", "上升至", "突破", "超过", "超", "为", "到", "至", "已", "的", "全年",
        "年末", "末", "完成", "实现", "其中", "又",
    ])
    /// Words that give a money figure to the project count before it (新签约项目12个,总投资36.5亿元).
    static let investment = list([
        "总投资", "完成投资", "计划投资", "投资总额", "投资额", "吸金", "签约金额", "签约总额", "协议金额", "合同金额", "总金额",
        "总额", "投资",
    ])
    static let investmentSuffixes = ["总投资", "完成投资", "总额"]
    /// Separators inside a "分别" list of figures.
    static let listSeparators = ScalarSet("、和及与,")
    /// Clause delimiters: a label never reaches across them.
    static let clauseDelimiters = ScalarSet(",;:。!?()… —")
    /// Verbs trimmed from the end of a raw label.
    static let trailingVerbs = list([
        "累计达到", "达到", "达", "完成", "实现", "为", "共", "累计", "超过", "突破", "增至", "扩大至", "增长到", "控制在", "保持在",
        "在", "是", "有",
    ])

    /// Whether `s` says nothing but `words`: every character is part of an occurrence of one of them (matched left
    /// to right, first listed first) or is one that `ignoring` accepts. Answers without building the remainder.
    static func isCovered(
        _ s: ArraySlice<UInt32>, by words: [[UInt32]]..., ignoring ignored: (UInt32) -> Bool
    ) -> Bool {
        var i = s.startIndex
        outer: while i < s.endIndex {
            for group in words {
                for w in group where i + w.count <= s.endIndex && s[i..<(i + w.count)].elementsEqual(w) {
                    i += w.count
                    continue outer
                }
            }
            if !ignored(s[i]) { return false }
            i += 1
        }
        return true
    }

    static func containsAny(_ s: ArraySlice<UInt32>, _ words: [[UInt32]]) -> Bool {
        words.contains { ScalarSearch.contains(s, $0) }
    }

    /// Punctuation and spaces, ignored when judging what a stretch of text says.
    static func isNoise(_ c: UInt32) -> Bool {
        c == 0x20 || c == 0x2C || c == 0x3001 || LabelMatcher.isQuote(c)
    }
}
