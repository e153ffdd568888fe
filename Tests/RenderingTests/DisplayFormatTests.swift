import Foundation
import Testing
import ZhibiaoRendering

/// Figures read as reports write them, chosen from the exact base value.
@Suite("display forms")
struct DisplayFormatTests {
    @Test(arguments: [
        ("4250000000", "CNY", "亿元", "exact", "42.5 亿元"),
        ("16550000000", "CNY", "亿元", "exact", "165.5 亿元"),
        ("137000000", "CNY", "万元", "exact", "1.37 亿元"),
        ("32500", "persons", "人", "exact", "3.25 万人"),
        ("33.3", "km2", "平方公里", "exact", "33.3 平方公里"),
        ("83600", "m2", "万平方米", "exact", "8.36 万平方米"),
        ("62", "count", "家", "exact", "62 家"),
        ("24000", "count", "万户", "exact", "2.4 万户"),
        ("5000", "CNY", "元", "exact", "5000 元"),
        ("2400000000000", "CNY", "万亿元", "exact", "2.4 万亿元"),
        ("82.22", "percent", "%", "exact", "82.22 %"),
        ("265", "days", "天", "exact", "265 天"),
        ("1200000000", "CNY", "亿元", "at_least", "12 亿元以上"),
        ("4.5", "percent", "%", "at_most", "4.5 %以内"),
        ("13700", "persons", "人", "approx", "约 1.37 万人"),
        ("123456789", "CNY", "元", "exact", "1.23 亿元"),
    ])
    func valuesCarryTheirUnit(base: String, unitClass: String, unit: String, qualifier: String, expected: String) {
        #expect(
            DisplayFormat.value(Decimal(string: base)!, unitClass: unitClass, unit: unit, qualifier: qualifier)
                == expected)
    }

    @Test func growthIsSignedAndTargetsSayWhatTheyAimAt() {
        #expect(DisplayFormat.growth(Decimal(string: "7.07")!) == "+7.07 %")
        #expect(DisplayFormat.growth(-5) == "-5 %")
        #expect(DisplayFormat.growth(0) == "0 %")
        #expect(
            DisplayFormat.target(base: nil, unitClass: nil, unit: nil, qualifier: "exact", growthPercent: 7)
                == "目标：增长 7 %")
        #expect(
            DisplayFormat.target(base: nil, unitClass: nil, unit: nil, qualifier: "exact", growthPercent: -3)
                == "目标：下降 3 %")
        #expect(
            DisplayFormat.target(
                base: 24_000_000_000, unitClass: "CNY", unit: "亿元", qualifier: "at_least",
                growthPercent: nil) == "目标：240 亿元以上")
        #expect(
            DisplayFormat.target(
                base: 16_500_000_000, unitClass: "CNY", unit: "亿元", qualifier: "exact",
                growthPercent: Decimal(string: "6.5")) == "目标：165 亿元，增长 6.5 %")
        #expect(DisplayFormat.target(base: nil, unitClass: nil, unit: nil, qualifier: nil, growthPercent: nil) == nil)
    }

    @Test func smallValuesKeepTheirDigitsAndNothingReadsMinusZero() {
        #expect(DisplayFormat.number(Decimal(string: "0.0042")!) == "0.0042")
        #expect(DisplayFormat.number(Decimal(string: "-0.00001")!) == "0")
        #expect(DisplayFormat.number(Decimal(string: "18.0700")!) == "18.07")
    }
}
