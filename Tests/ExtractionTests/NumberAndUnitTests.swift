import Foundation
import Testing
import ZhibiaoFacts

@testable import ZhibiaoExtraction

/// Numbers and units as written: exact decimals, Chinese and mixed numerals, multipliers kept in the unit,
/// 个百分点 apart from %, and what is not a quantity at all.
struct NumberAndUnitTests {
    func quantities(_ text: String) -> [Quantity] {
        let s = Fixtures.extractor.factExtractor.preparer.prepare(text).scalars
        return Fixtures.extractor.factExtractor.scanner.scan(s, 0..<s.count)
    }

    @Test func arabicDecimalsAndSeparators() {
        let q = quantities("完成42.5亿元,合计1,234,567元")
        #expect(q.count == 2)
        #expect(q[0].value == Decimal(string: "42.5")! && q[0].unit == "亿元" && q[0].baseValue == 4_250_000_000)
        #expect(q[1].value == 1_234_567 && q[1].unit == "元")
    }

    @Test func chineseNumerals() {
        #expect(quantities("一百二十人")[0].value == 120)
        #expect(quantities("两个")[0].value == 2)
        let q = quantities("三千余人次")[0]
        #expect(q.value == 3000 && q.qualifier == .approx && q.unitClass == .personTimes)
        #expect(quantities("十余次")[0].qualifier == .approx)
        #expect(quantities("百余场")[0].value == 100)
        #expect(quantities("一年来,万人助万企,两会召开").isEmpty)
    }

    @Test func mixedAndApproxMultipliers() {
        let a = quantities("1.5万人")[0]
        #expect(a.value == Decimal(string: "1.5")! && a.unit == "万人" && a.baseValue == 15000)
        let b = quantities("9000余万元")[0]
        #expect(b.value == 9000 && b.unit == "万元" && b.qualifier == .approx && b.baseValue == 90_000_000)
        let c = quantities("400万余元")[0]
        #expect(c.unit == "万元" && c.qualifier == .approx)
        let d = quantities("常住人口13.7万,")[0]
        #expect(d.unit == "万" && d.unitClass == nil && d.baseValue == 137_000)
    }

    @Test func percentagePointsAreNotPercent() {
        let q = quantities("提高1.5个百分点,增长6%")
        #expect(q[0].unit == "个百分点" && !q[0].isPercent)
        #expect(q[1].unit == "%" && q[1].isPercent)
    }

    @Test func unitsByClass() {
        #expect(quantities("8.36万平方米")[0].baseValue == 83600)
        #expect(quantities("33.3平方公里")[0].unitClass == .km2)
        #expect(quantities("500亩")[0].unitClass == .mu)
        #expect(quantities("4.78亿美元")[0].unitClass == .usd)
        #expect(quantities("254天")[0].unitClass == .days)
        #expect(quantities("10万吨")[0].baseValue == 100_000)
        #expect(quantities("1.4倍")[0].unitClass == .other)
    }

    @Test func notQuantities() {
        #expect(quantities("2023年3月19日,第十四届").isEmpty)
        #expect(quantities("由0.4:63.9:35.7调整为0.02:47.54:52.44").isEmpty)
        #expect(quantities("PM2.5浓度,4A级企业,2-3个").isEmpty)
    }

    @Test func qualifiers() {
        #expect(quantities("吸金超317亿元")[0].qualifier == .atLeast)
        #expect(quantities("突破100家")[0].qualifier == .atLeast)
        #expect(quantities("50亿元以上")[0].qualifier == .atLeast)
        #expect(quantities("控制在2%以内")[0].qualifier == .atMost)
        #expect(quantities("近10万人")[0].qualifier == .approx)
        #expect(quantities("增长7%左右")[0].qualifier == .approx)
        #expect(quantities("240多亿元")[0].qualifier == .approx)
        #expect(quantities("集中签约29个项目")[0].qualifier == .exact)
    }

    @Test func exactJSONNumbers() {
        #expect(JSONLine.number(Decimal(string: "7.07")!) == "7.07")
        #expect(JSONLine.number(Decimal(string: "42.5")! * 100_000_000) == "4250000000")
        #expect(JSONLine.number(Decimal(string: "0.001")! * 3) == "0.003")
        #expect(JSONLine.number(-5) == "-5")
    }
}
