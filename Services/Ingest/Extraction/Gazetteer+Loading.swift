import Foundation

extension Gazetteer {
    /// Loads the four bundled CSVs. Parses bytes directly (no String per row) to stay within the 50 ms budget.
    /// `generic` names (市辖区, 开发区, 城关镇 …: `region.generic` in the lexicon) are not indexed; `ethnicGroups`
    /// (`region.ethnic_group`) give townships their names without the ethnic part.
    static func loadBundled(generic: PhraseList, ethnicGroups: PhraseList) throws -> Gazetteer {
        var gazetteer = Gazetteer()
        // (file, level, column of the parent code)
        let files: [(String, Level, Int?)] = [
            ("provinces", .province, nil), ("cities", .city, 2), ("areas", .county, 2), ("streets", .town, 2),
        ]
        for (file, level, parentColumn) in files {
            guard let url = Bundle.module.url(forResource: file, withExtension: "csv", subdirectory: "Resources"),
                let data = FileManager.default.contents(atPath: url.path)
            else { throw ExtractionError(.unreadable, file: "\(file).csv", detail: "bundled gazetteer file missing") }
            data.withUnsafeBytes {
                gazetteer.add(csv: $0.bindMemory(to: UInt8.self), level: level, parentColumn: parentColumn)
            }
        }
        gazetteer.linkParents()
        gazetteer.buildIndexes(generic: generic)
        gazetteer.buildEthnicAliases(groups: ethnicGroups)
        return gazetteer
    }

    /// Adds the rows of one CSV (header skipped): code, "name", parent code …
    mutating func add(csv bytes: UnsafeBufferPointer<UInt8>, level: Level, parentColumn: Int?) {
        var i = 0
        let n = bytes.count
        while i < n, bytes[i] != 0x0A { i += 1 }  // header
        i += 1
        var fieldStarts: [Int] = []
        var fieldEnds: [Int] = []
        while i < n {
            fieldStarts.removeAll(keepingCapacity: true)
            fieldEnds.removeAll(keepingCapacity: true)
            var start = i
            while i < n, bytes[i] != 0x0A {
                if bytes[i] == 0x2C {
                    fieldStarts.append(start)
                    fieldEnds.append(i)
                    start = i + 1
                }
                i += 1
            }
            var end = i
            if end > start, bytes[end - 1] == 0x0D { end -= 1 }
            fieldStarts.append(start)
            fieldEnds.append(end)
            i += 1
            guard fieldStarts.count >= 2 else { continue }
            let code = number(bytes, fieldStarts[0], fieldEnds[0])
            let parent =
                parentColumn.map { fieldStarts.count > $0 ? number(bytes, fieldStarts[$0], fieldEnds[$0]) : 0 } ?? 0
            var nameStart = fieldStarts[1]
            var nameEnd = fieldEnds[1]
            if nameEnd - nameStart >= 2, bytes[nameStart] == 0x22 {
                nameStart += 1
                nameEnd -= 1
            }
            let offset = nameScalars.count
            decodeUTF8(bytes, nameStart, nameEnd)
            let length = nameScalars.count - offset
            guard length >= 2, code != 0 else {
                nameScalars.removeLast(length)
                continue
            }
            entries.append(
                Entry(code: code, parent: parent, level: level, nameStart: Int32(offset), nameLength: Int32(length)))
        }
    }

    /// Marks generic entries, then indexes every other full name, and the short names of provinces, prefectures and
    /// counties (the name without its administrative suffix, two characters or more).
    mutating func buildIndexes(generic: PhraseList) {
        var full: [(Int32, Int32)] = []
        var short: [(Int32, Int32)] = []
        full.reserveCapacity(entries.count)
        for id in entries.indices {
            let e = entries[id]
            let start = Int(e.nameStart)
            let end = Int(e.nameStart + e.nameLength)
            if let word = generic.match(nameScalars, at: start, end: end), word.scalars.count == end - start {
                entries[id].isGeneric = true
                continue
            }
            full.append((Int32(id), e.nameLength))
            guard e.level <= .county else { continue }
            let name = nameScalars[start..<end]
            guard
                let suffix = Self.shortNameSuffixes.first(where: {
                    name.count - $0.count >= 2 && name.suffix($0.count).elementsEqual($0)
                })
            else { continue }
            let length = name.count - suffix.count
            guard name[start + length - 1] != Self.ethnicGroup else { continue }
            short.append((Int32(id), Int32(length)))
        }
        fullNames = NameIndex(full, scalars: nameScalars, entries: entries)
        shortNames = NameIndex(short, scalars: nameScalars, entries: entries)
    }

    /// 族: a short name that still ends in it is an ethnic name, not a place (延边朝鲜族自治州).
    static let ethnicGroup: UInt32 = 0x65CF

    /// What follows an ethnic group's name in a township's name (三河回族乡, 新河朝鲜民族乡), longest first.
    static let ethnicMarkers: [[UInt32]] = ["民族", "族"].map(\.scalarValues)
    static let townshipSuffixes: [[UInt32]] = ["苏木", "乡", "镇"].map(\.scalarValues)

    /// The names texts also give an ethnic township: without its groups (三河回族乡 → 三河乡) or without 族 (三河回乡).
    /// An alias two townships share, or that is some place's full name, is left out.
    mutating func buildEthnicAliases(groups: PhraseList) {
        var aliases: [[UInt32]: [Int32]] = [:]
        for id in entries.indices where entries[id].level == .town && !entries[id].isGeneric {
            let e = entries[id]
            let stored = nameScalars[Int(e.nameStart)..<Int(e.nameStart + e.nameLength)]
            guard stored.contains(Self.ethnicGroup) else { continue }
            let name = Array(stored)
            /// Whether the name's first `length` scalars end with `part` (and hold more than it).
            func ends(_ length: Int, with part: [UInt32]) -> Bool {
                length > part.count && name[(length - part.count)..<length].elementsEqual(part)
            }
            guard let suffix = Self.townshipSuffixes.first(where: { ends(name.count, with: $0) }) else { continue }
            var rest = name.count - suffix.count
            var written: [UInt32] = []
            while let marker = Self.ethnicMarkers.first(where: { ends(rest, with: $0) }),
                let group = groups.match(name, endingAt: rest - marker.count, start: 0)
            {
                written.insert(contentsOf: group.scalars, at: 0)
                rest -= marker.count + group.scalars.count
            }
            guard !written.isEmpty, rest >= 2 else { continue }
            let base = Array(name[..<rest])
            aliases[base + suffix, default: []].append(Int32(id))
            aliases[base + written + suffix, default: []].append(Int32(id))
        }
        for (alias, ids) in aliases where ids.count == 1 && fullNames.lookup(alias, in: self).isEmpty {
            ethnicAliases[alias] = ids[0]
            longestEthnicAlias = max(longestEthnicAlias, alias.count)
        }
    }

    /// Resolves each parent code to its entry by binary search over the entries ordered by code (the CSVs already
    /// are, so the sort is a no-op check); a code listed twice resolves to its last entry.
    mutating func linkParents() {
        var order = Array(entries.indices)
        if !zip(order, order.dropFirst()).allSatisfy({ entries[$0].code <= entries[$1].code }) {
            order.sort { (entries[$0].code, $0) < (entries[$1].code, $1) }
        }
        for id in entries.indices where entries[id].parent != 0 {
            let parent = entries[id].parent
            let after = order.partition { entries[$0].code <= parent }  // first position whose code is greater
            if after > 0, entries[order[after - 1]].code == parent { entries[id].parentIndex = Int32(order[after - 1]) }
        }
    }

    private func number(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> UInt64 {
        var value: UInt64 = 0
        for k in start..<end where bytes[k] >= 0x30 && bytes[k] <= 0x39 { value = value * 10 + UInt64(bytes[k] - 0x30) }
        return value
    }

    private mutating func decodeUTF8(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) {
        var k = start
        while let (scalar, width) = UTF8Reader.scalar(bytes, at: k, end: end) {
            nameScalars.append(scalar)
            k += width
        }
    }
}
