import Foundation

/// China's administrative divisions (provinces, prefectures, counties, towns/streets) with their statistical codes.
/// Names repeat across the country, so a lookup returns every entry of a name; `RegionResolver` chooses with the
/// document's other mentions. Two indexes: full names (温州市, 宜都市), and the short names of provinces, prefectures
/// and counties (温州, 宜都), which a text may use once its context is known.
public struct Gazetteer: Sendable {
    public enum Level: UInt8, Sendable, Comparable {
        case province = 1
        case city, county, town, village
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
        /// A placeholder of the statistical tables (市辖区, 县): skipped in parent chains and never matched.
        var isGeneric = false
    }

    var entries: [Entry] = []
    var nameScalars: [UInt32] = []
    var fullNames = NameIndex()
    var shortNames = NameIndex()
    /// Ethnic townships by the names texts also give them (`buildEthnicAliases`): alias → entry.
    var ethnicAliases: [[UInt32]: Int32] = [:]
    var longestEthnicAlias = 0

    /// Suffixes a short name drops, longest first (a name that still ends in 族 after them is left out).
    static let shortNameSuffixes: [[UInt32]] = [
        "维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "省",
        "市", "县", "区", "盟", "旗",
    ].map(\.scalarValues)
    /// A capital's code ends in 01 at the prefecture level (长沙 4301, 成都 5101): known by its short name anywhere.
    static let capitalSuffix: UInt64 = 1

    func name(_ entry: Int) -> String {
        let e = entries[entry]
        return String(scalarValues: nameScalars[Int(e.nameStart)..<Int(e.nameStart + e.nameLength)])
    }

    func codeString(_ entry: Int) -> String { String(entries[entry].code) }

    /// The entry's parent, skipping the statistical placeholders (北京市辖区 → 北京市); nil for a province.
    func parent(of entry: Int) -> Int? {
        var index = entries[entry].parentIndex
        while index >= 0, entries[Int(index)].isGeneric { index = entries[Int(index)].parentIndex }
        return index >= 0 ? Int(index) : nil
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

    /// The province an entry lies in (itself for a province).
    func province(of entry: Int) -> Int {
        var index = entry
        while let parent = parent(of: index) { index = parent }
        return index
    }

    /// Whether a prefecture-level entry is its province's capital.
    func isCapital(_ entry: Int) -> Bool {
        entries[entry].level == .city && entries[entry].code % 100 == Self.capitalSuffix
    }
}

/// Names indexed by a hash of the name read backwards, so a text scanner can test "does a name end here?" while
/// walking left from a character. Flat arrays, not a dictionary of arrays: loading stays allocation-free and a miss
/// costs one array read.
struct NameIndex: Sendable {
    struct Item: Sendable {
        var entry: Int32
        /// The indexed name is the entry's name cut to this length (a short name is a prefix of the full one).
        var length: Int32
        /// Next item in the same hash slot (ascending entry), -1 at the end of the chain.
        var next: Int32
    }

    var items: [Item] = []
    var slots: [Int32] = [-1]
    var slotMask: UInt64 = 0
    /// One bit per low 16 bits of a name's last scalar: a scan only looks back from characters that end some name.
    var lastScalars = [UInt64](repeating: 0, count: 1 << 10)
    /// One bit per hash of every ending of every name (安岭地区, 岭地区, 地区, 区): walking left stops as soon as the
    /// text read so far ends no name. Most walks stop after a character or two ("生产总值" after 区).
    var endings = [UInt64](repeating: 0, count: NameIndex.endingWords)
    var longest = 0

    /// FNV-1a over the scalars from `end - 1` down to `start` (the name read backwards).
    @inline(__always) static func step(_ hash: UInt64, _ c: UInt32) -> UInt64 { (hash ^ UInt64(c)) &* 0x100_0000_01b3 }
    static let seed: UInt64 = 0xcbf2_9ce4_8422_2325

    static let endingWords = 1 << 15

    @inline(__always) func mayEndName(_ c: UInt32) -> Bool {
        let bit = Int(c & 0xFFFF)
        return lastScalars[bit >> 6] & (1 << UInt64(bit & 63)) != 0
    }

    @inline(__always) static func endingBit(_ hash: UInt64) -> (word: Int, mask: UInt64) {
        let bit = Int(truncatingIfNeeded: (hash ^ hash >> 29) & UInt64(endingWords * 64 - 1))
        return (bit >> 6, 1 << UInt64(bit & 63))
    }

    @inline(__always) func mayEndSomeName(_ hash: UInt64) -> Bool {
        let (word, mask) = Self.endingBit(hash)
        return endings[word] & mask != 0
    }

    @inline(__always) func slot(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: (hash ^ hash >> 32) & slotMask) }

    /// Builds the index over `(entry, length)` pairs; chains list their entries in gazetteer order.
    init(_ names: [(entry: Int32, length: Int32)] = [], scalars: [UInt32] = [], entries: [Gazetteer.Entry] = []) {
        guard !names.isEmpty else { return }
        var capacity = 1
        while capacity < names.count * 2 { capacity <<= 1 }
        slots = [Int32](repeating: -1, count: capacity)
        slotMask = UInt64(capacity - 1)
        for (entry, length) in names.reversed() {
            let start = Int(entries[Int(entry)].nameStart)
            var hash = Self.seed
            for k in stride(from: start + Int(length) - 1, through: start, by: -1) {
                hash = Self.step(hash, scalars[k])
                let (word, mask) = Self.endingBit(hash)
                endings[word] |= mask
            }
            let at = slot(hash)
            items.append(Item(entry: entry, length: length, next: slots[at]))
            slots[at] = Int32(items.count - 1)
            let last = Int(scalars[start + Int(length) - 1] & 0xFFFF)
            lastScalars[last >> 6] |= 1 << UInt64(last & 63)
            longest = max(longest, Int(length))
        }
    }

    /// Entries whose indexed name is exactly `s[start..<end]`, in gazetteer order.
    func entries(named s: [UInt32], _ start: Int, _ end: Int, hash: UInt64, in gazetteer: Gazetteer) -> [Int32] {
        var found: [Int32] = []
        var id = slots[slot(hash)]
        while id >= 0 {
            let item = items[Int(id)]
            if Int(item.length) == end - start {
                let nameStart = Int(gazetteer.entries[Int(item.entry)].nameStart)
                var k = 0
                while k < end - start, gazetteer.nameScalars[nameStart + k] == s[start + k] { k += 1 }
                if k == end - start { found.append(item.entry) }
            }
            id = item.next
        }
        return found
    }

    /// The longest indexed name ending at `last` (inclusive), not reaching before `lowerBound`.
    func longestName(in s: [UInt32], endingAt last: Int, lowerBound: Int, in gazetteer: Gazetteer)
        -> (start: Int, entries: [Int32])?
    {
        guard mayEndName(s[last]) else { return nil }
        var hash = Self.step(Self.seed, s[last])
        var best: (Int, [Int32])? = nil
        var start = last - 1
        while start >= lowerBound && last - start + 1 <= longest {
            hash = Self.step(hash, s[start])
            guard mayEndSomeName(hash) else { break }
            if slots[slot(hash)] >= 0 {
                let found = entries(named: s, start, last + 1, hash: hash, in: gazetteer)
                if !found.isEmpty { best = (start, found) }
            }
            start -= 1
        }
        return best
    }

    /// Entries whose indexed name is `name`.
    func lookup(_ name: [UInt32], in gazetteer: Gazetteer) -> [Int32] {
        var hash = Self.seed
        for v in name.reversed() { hash = Self.step(hash, v) }
        return entries(named: name, 0, name.count, hash: hash, in: gazetteer)
    }
}
