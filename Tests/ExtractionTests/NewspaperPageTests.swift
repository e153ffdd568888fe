import Foundation
import Testing
import ZhibiaoExtraction
import ZhibiaoFacts

/// A county paper's page under its page mark, with one dateline: its articles, each with its own title and place;
/// an article that names no place is about the page's.
struct NewspaperPageTests {
    static let page = """
        平江日报 2022年3月8日 第二版
        平江县一季度项目集中开工
        本报讯（记者 李明）3月7日，平江县2022年一季度重大项目集中开工仪式举行。此次集中开工项目28个，总投资96.5亿元。
        大兴镇：工业经济稳中有进
        去年，大兴镇实现工业总产值32.6亿元，同比增长12.3%；完成固定资产投资8.2亿元。
        农民收入持续增长
        2021年，全县农村居民人均可支配收入达到16850元，比上年增长10.2%。
        """

    @Test func eachArticleHasItsTitleDatelineAndPlace() throws {
        let document = try Fixtures.extractor.document(in: Self.page, source: DocumentSource(name: "page.txt"))
        #expect(document.articles.map(\.title) == ["平江县一季度项目集中开工", "大兴镇：工业经济稳中有进", "农民收入持续增长"])
        #expect(document.articles.first?.dateline == "本报讯（记者 李明）")
        #expect(document.articles.map { $0.subject?.name } == ["平江县", "大兴镇", "平江县"])
        let investment = try #require(document.facts.first { $0.indicator == "fixed_asset_investment" })
        #expect(investment.region == "大兴镇" && investment.year == 2021)
        let income = try #require(document.facts.first { $0.indicator == "disposable_income" })
        #expect(income.region == "平江县" && income.year == 2021)
    }
}
