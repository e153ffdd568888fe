import Foundation
import ZhibiaoModels

/// The units a figure can carry, with their class and factor to the class's base unit (SCHEMA.md): money to yuan
/// or dollars, areas to m², km² or 亩, counts and persons to a plain number. Matching is longest-first, so 平方米
/// wins over 米 and 人次 over 人; 个百分点 is its own unit and never a percent.
struct UnitCatalog: Sendable {
    struct Unit: Sendable {
        let text: String
        let scalars: [UInt32]
        let unitClass: UnitClass
        /// Nil for ×1, the common case: `QuantityScanner` then skips a `Decimal` multiplication.
        let factor: Decimal?
    }

    static let shared = UnitCatalog()

    /// Units by their first scalar, longest first.
    private let byFirst: [UInt32: [Unit]]

    init() {
        let table: [(String, UnitClass, Decimal)] = [
            ("元", .cny, 1), ("美元", .usd, 1),
            ("%", .percent, 1), ("个百分点", .other, 1),
            ("平方公里", .km2, 1), ("平方千米", .km2, 1), ("平方米", .m2, 1), ("平米", .m2, 1), ("㎡", .m2, 1),
            ("公顷", .m2, 10000), ("亩", .mu, 1),
            ("吨", .tons, 1), ("公斤", .tons, Decimal(string: "0.001")!), ("千克", .tons, Decimal(string: "0.001")!),
            ("天", .days, 1), ("个工作日", .days, 1),
            ("人次", .personTimes, 1), ("人", .persons, 1), ("名", .persons, 1), ("位", .persons, 1),
            ("户", .count, 1), ("家次", .count, 1), ("家", .count, 1), ("个", .count, 1), ("项", .count, 1),
            ("件", .count, 1), ("所", .count, 1), ("座", .count, 1), ("条", .count, 1), ("处", .count, 1),
            ("台", .count, 1), ("套", .count, 1), ("辆", .count, 1), ("场次", .count, 1), ("场", .count, 1),
            ("次", .count, 1), ("起", .count, 1), ("批", .count, 1), ("期", .count, 1), ("间", .count, 1),
            ("栋", .count, 1), ("幢", .count, 1), ("宗", .count, 1), ("株", .count, 1), ("棵", .count, 1),
            ("头", .count, 1), ("只", .count, 1), ("支", .count, 1), ("种", .count, 1), ("款", .count, 1),
            ("张", .count, 1), ("册", .count, 1), ("篇", .count, 1), ("轮", .count, 1), ("类", .count, 1),
            ("倍", .other, 1), ("个位次", .other, 1), ("位次", .other, 1), ("公里", .other, 1), ("千米", .other, 1),
            ("立方米", .other, 1), ("米", .other, 1), ("小时", .other, 1), ("个月", .other, 1), ("千瓦", .other, 1),
            ("千瓦时", .other, 1), ("标准箱", .other, 1), ("个标准箱", .other, 1),
        ]
        var byFirst: [UInt32: [Unit]] = [:]
        for (text, unitClass, factor) in table {
            let scalars = text.scalarValues
            byFirst[scalars[0], default: []].append(Unit(text: text, scalars: scalars, unitClass: unitClass, factor: factor == 1 ? nil : factor))
        }
        for key in byFirst.keys { byFirst[key]!.sort { $0.scalars.count > $1.scalars.count } }
        self.byFirst = byFirst
    }

    /// The longest unit starting at `i`.
    func unit(in s: [UInt32], at i: Int, end: Int) -> Unit? {
        guard i < end, let candidates = byFirst[s[i]] else { return nil }
        for unit in candidates where i + unit.scalars.count <= end {
            var k = 1
            while k < unit.scalars.count, s[i + k] == unit.scalars[k] { k += 1 }
            if k == unit.scalars.count { return unit }
        }
        return nil
    }

    /// 万/亿 (and 千万/百万/万亿) written between a number and its unit, with their factor.
    static func multiplier(in s: [UInt32], at i: Int, end: Int) -> (text: String, factor: Decimal, length: Int)? {
        guard i < end else { return nil }
        let next = i + 1 < end ? s[i + 1] : 0
        switch s[i] {
        case 0x4E07:  // 万
            return next == 0x4EBF ? ("万亿", Decimal(sign: .plus, exponent: 12, significand: 1), 2) : ("万", 10000, 1)
        case 0x4EBF: return ("亿", Decimal(sign: .plus, exponent: 8, significand: 1), 1)
        case 0x5343: return next == 0x4E07 ? ("千万", Decimal(sign: .plus, exponent: 7, significand: 1), 2) : nil
        case 0x767E: return next == 0x4E07 ? ("百万", Decimal(sign: .plus, exponent: 6, significand: 1), 2) : nil
        default: return nil
        }
    }
}
