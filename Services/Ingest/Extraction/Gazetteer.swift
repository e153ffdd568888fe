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
        /// Index of the entry whose code is `parent`, -1 when the gazetteer lacks it.
        var parentIndex: Int32 = -1
        var level: Level
        var nameStart: Int32
        var nameLength: Int32
        /// Next entry in the same hash slot (ascending index), -1 at the end of the chain.
        var nextInSlot: Int32 = -1
    }

    var entries: [Entry] = []
    var nameScalars: [UInt32] = []
    /// Open hash table over the reversed-name hash: slot → first entry of its chain, -1 when empty. Flat arrays
    /// instead of a dictionary of arrays: loading stays allocation-free and a miss costs one array read.
    var slots: [Int32] = [-1]
    var slotMask: UInt64 = 0
    /// One bit per low 16 bits of a name's last scalar: a scan only looks back from characters that end some name
    /// (a false positive only costs a lookup that finds nothing).
    var lastScalars = [UInt64](repeating: 0, count: 1 << 10)
    var longestName = 0

    @inline(__always) func mayEndName(_ c: UInt32) -> Bool {
        let bit = Int(c & 0xFFFF)
        return lastScalars[bit >> 6] & (1 << UInt64(bit & 63)) != 0
    }

    @inline(__always) func slot(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: (hash ^ hash >> 32) & slotMask) }

    /// Names too generic to be a place when read in running text (城区 is a district of 阳泉, but usually not).
    static let genericNames: [[UInt32]] = [
        "城区", "郊区", "矿区", "新区", "市辖区", "县", "开发区", "高新区", "示范区", "工业区", "经济开发区", "中心区",
        "新城区", "老城区", "街道", "城关镇",
    ].map(\.scalarValues)

    func name(_ entry: Int) -> String {
        let e = entries[entry]
        return String(scalarValues: nameScalars[Int(e.nameStart)..<Int(e.nameStart + e.nameLength)])
    }

    func codeString(_ entry: Int) -> String { String(entries[entry].code) }

    /// FNV-1a over the scalars from `end - 1` down to `start` (the name read backwards).
    @inline(__always) static func step(_ hash: UInt64, _ c: UInt32) -> UInt64 { (hash ^ UInt64(c)) &* 0x100_0000_01b3 }
    static let seed: UInt64 = 0xcbf2_9ce4_8422_2325

    /// Entries whose name is exactly `s[start..<end]`, in gazetteer order.
    func entries(named s: [UInt32], _ start: Int, _ end: Int, hash: UInt64) -> [Int32] {
        var found: [Int32] = []
        var id = slots[slot(hash)]
        while id >= 0 {
            let e = entries[Int(id)]
            if Int(e.nameLength) == end - start {
                var k = 0
                while k < end - start, nameScalars[Int(e.nameStart) + k] == s[start + k] { k += 1 }
                if k == end - start { found.append(id) }
            }
            id = e.nextInSlot
        }
        return found
    }

    /// The longest gazetteer name ending at `last` (inclusive), not reaching before `lowerBound`.
    func longestName(in s: [UInt32], endingAt last: Int, lowerBound: Int) -> (start: Int, entries: [Int32])? {
        guard mayEndName(s[last]) else { return nil }
        var hash = Self.step(Self.seed, s[last])
        var best: (Int, [Int32])? = nil
        var start = last - 1
        while start >= lowerBound && last - start + 1 <= longestName {
            hash = Self.step(hash, s[start])
            if slots[slot(hash)] >= 0 {
                let found = entries(named: s, start, last + 1, hash: hash)
                if !found.isEmpty { best = (start, found) }
            }
            start -= 1
        }
        return best
    }

    /// Codes of the places containing `entry`, nearest first (a parent code the gazetteer lacks ends the list).
    func ancestors(of entry: Int) -> [UInt64] {
        var result: [UInt64] = []
        var e = entries[entry]
        while e.parent != 0 {
            result.append(e.parent)
            guard e.parentIndex >= 0 else { break }
            e = entries[Int(e.parentIndex)]
        }
        return result
    }

    /// Whether `ancestor` contains `entry` (by code).
    func isAncestor(_ ancestor: Int, of entry: Int) -> Bool {
        ancestors(of: entry).contains(entries[ancestor].code)
    }
}
