import Foundation

/// China's administrative divisions (provinces, prefectures, counties, towns/streets) with their statistical codes.
/// Names repeat across the country, so a lookup returns every entry of a name; `RegionResolver` chooses with the
/// document's other mentions. Names live in one flat scalar buffer and are indexed by a hash of the name read
/// backwards, so the text scanner can test "does a name end here?" while walking left from a suffix character.
public struct Gazetteer: Sendable {
    public enum Level: UInt8, Sendable, Comparable {
        case province = 1, city, county, town, village
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
    }

    struct Entry: Sendable {
        var code: UInt64
        var parent: UInt64
        var level: Level
        var nameStart: Int32
        var nameLength: Int32
    }

    var entries: [Entry] = []
    var nameScalars: [UInt32] = []
    /// Reversed-name hash → entry indices.
    var index: [UInt64: [Int32]] = [:]
    /// Last scalars of names: the only places a scan needs to look back from.
    var lastScalars: Set<UInt32> = []
    var longestName = 0
    var byCode: [UInt64: Int32] = [:]
    /// One bit per name hash (low 22 bits): rejects most positions without touching the dictionary.
    var filter = [UInt64](repeating: 0, count: 1 << 16)

    @inline(__always) func mayContain(_ hash: UInt64) -> Bool {
        let bit = Int(truncatingIfNeeded: hash & 0x3F_FFFF)
        return filter[bit >> 6] & (1 << UInt64(bit & 63)) != 0
    }

    /// Names too generic to be a place when read in running text (城区 is a district of 阳泉, but usually not).
    static let genericNames: Set<String> = [
        "城区", "郊区", "矿区", "新区", "市辖区", "县", "开发区", "高新区", "示范区", "工业区", "经济开发区", "中心区",
        "新城区", "老城区", "街道", "城关镇",
    ]

    func name(_ entry: Int) -> String {
        let e = entries[entry]
        var view = String.UnicodeScalarView()
        for v in nameScalars[Int(e.nameStart)..<Int(e.nameStart + e.nameLength)] { view.append(Unicode.Scalar(v)!) }
        return String(view)
    }

    func codeString(_ entry: Int) -> String { String(entries[entry].code) }

    /// FNV-1a over the scalars from `end - 1` down to `start` (the name read backwards).
    @inline(__always) static func step(_ hash: UInt64, _ c: UInt32) -> UInt64 { (hash ^ UInt64(c)) &* 0x100_0000_01b3 }
    static let seed: UInt64 = 0xcbf2_9ce4_8422_2325

    /// Entries whose name is exactly `s[start..<end]`.
    func entries(named s: [UInt32], _ start: Int, _ end: Int, hash: UInt64) -> [Int32] {
        guard let candidates = index[hash] else { return [] }
        return candidates.filter { id in
            let e = entries[Int(id)]
            guard Int(e.nameLength) == end - start else { return false }
            var k = 0
            while k < end - start, nameScalars[Int(e.nameStart) + k] == s[start + k] { k += 1 }
            return k == end - start
        }
    }

    /// The longest gazetteer name ending at `last` (inclusive), not reaching before `lowerBound`.
    func longestName(in s: [UInt32], endingAt last: Int, lowerBound: Int) -> (start: Int, entries: [Int32])? {
        guard lastScalars.contains(s[last]) else { return nil }
        var hash = Self.step(Self.seed, s[last])
        var best: (Int, [Int32])? = nil
        var start = last - 1
        while start >= lowerBound && last - start + 1 <= longestName {
            hash = Self.step(hash, s[start])
            if last - start + 1 >= 2 && mayContain(hash) {
                let found = entries(named: s, start, last + 1, hash: hash)
                if !found.isEmpty { best = (start, found) }
            }
            start -= 1
        }
        return best
    }

    /// Codes of the places containing `entry`, nearest first.
    func ancestors(of entry: Int) -> [UInt64] {
        var result: [UInt64] = []
        var code = entries[entry].parent
        while code != 0 {
            result.append(code)
            guard let parent = byCode[code] else { break }
            code = entries[Int(parent)].parent
        }
        return result
    }

    /// Whether `ancestor` contains `entry` (by code).
    func isAncestor(_ ancestor: Int, of entry: Int) -> Bool {
        var code = entries[entry].parent
        let target = entries[ancestor].code
        while code != 0 {
            if code == target { return true }
            guard let parent = byCode[code] else { return false }
            code = entries[Int(parent)].parent
        }
        return false
    }
}
