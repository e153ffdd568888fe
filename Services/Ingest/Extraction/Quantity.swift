import Foundation
import ZhibiaoFacts

/// One number with its unit as found in the normalized text, before any meaning is attached to it.
struct Quantity: Sendable {
    /// Normalized index where the qualifier before the number starts (超, 近 …), or the number itself.
    var start: Int
    /// Normalized index of the first scalar of the number.
    var numberStart: Int
    /// Normalized index after the unit and any qualifier written after it (以上, 左右 …).
    var end: Int
    /// The number as written, in `unit`.
    var value: Decimal
    /// The unit as written, multiplier included (亿元, 万平方米, 万); nil for none.
    var unit: String?
    /// Class of the unit; nil when only a multiplier was written (13.7万, 0.48亿), to be decided by the indicator.
    var unitClass: UnitClass?
    /// value × multiplier × unit factor, in the base unit of `unitClass` (or of the indicator's class).
    var baseValue: Decimal
    var qualifier: Qualifier
    /// The class a bare multiplier stands for (0.48亿 → yuan); nil when a unit was written.
    var implied: UnitClass? = nil

    var isPercent: Bool { unitClass == .percent }
    var isMoney: Bool { unitClass == .cny || unitClass == .usd }
    /// Money, written with its currency or as a bare 亿 (the money view counts both).
    var isAnyMoney: Bool { isMoney || implied == .cny }
    /// Only 万/亿 was written: the figure takes its indicator's class (persons for 13.7万 of population, yuan for
    /// 0.48亿 of output).
    var isMultiplierOnly: Bool { unitClass == nil }
}
