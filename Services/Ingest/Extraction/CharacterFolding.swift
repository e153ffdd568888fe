import Foundation

/// How the engine reads characters: full-width ASCII and the ideographic space as ASCII, traditional and variant
/// characters as simplified (`Resources/Lexicon/t2s.tsv`, from OpenCC). One character always folds to one character,
/// so every normalized position still maps back to the original text. A flat table over the Basic Multilingual
/// Plane: one array read per character.
struct CharacterFolding: Sendable {
    /// The folded value of each BMP scalar; 0 means unchanged.
    private let table: [UInt16]

    static func loadBundled() throws -> CharacterFolding {
        guard
            let url = Bundle.module.url(forResource: "t2s", withExtension: "tsv", subdirectory: "Resources/Lexicon"),
            let data = FileManager.default.contents(atPath: url.path)
        else { throw ExtractionError(.unreadable, file: "t2s.tsv", detail: "bundled character table missing") }
        return try CharacterFolding(simplifying: String(decoding: data, as: UTF8.self))
    }

    /// `pairs`: `traditional<TAB>simplified` lines, one BMP character each; `#` starts a comment line.
    init(simplifying pairs: String) throws {
        var table = [UInt16](repeating: 0, count: 1 << 16)
        for (number, line) in pairs.split(separator: "\n").enumerated() where !line.hasPrefix("#") {
            let scalars = Array(line.unicodeScalars)
            guard scalars.count == 3, scalars[1] == "\t", scalars[0].value <= 0xFFFF, scalars[2].value <= 0xFFFF else {
                throw ExtractionError(
                    .badLexiconFile, file: "t2s.tsv",
                    detail: "line \(number + 1): expected one character, a tab, one character")
            }
            table[Int(scalars[0].value)] = UInt16(scalars[2].value)
        }
        for value in Self.fullWidthASCII { table[Int(value)] = UInt16(value - Self.fullWidthOffset) }
        for value in Self.spaces { table[Int(value)] = UInt16(Scalar.space) }
        table[Int(Self.minus)] = UInt16(Scalar.hyphen)
        self.table = table
    }

    /// ！ … ～ are ASCII shifted by this offset.
    static let fullWidthOffset: UInt32 = 0xFEE0
    static let fullWidthASCII: ClosedRange<UInt32> = 0xFF01...0xFF5E
    /// The ideographic space, the no-break space and the tab read as a space.
    static let spaces: [UInt32] = [0x3000, 0x00A0, 0x09]
    /// The minus sign reads as a hyphen-minus ("增长−2.3%").
    static let minus: UInt32 = 0x2212

    @inline(__always) func fold(_ value: UInt32) -> UInt32 {
        guard value <= 0xFFFF else { return value }
        let folded = table[Int(value)]
        return folded == 0 ? value : UInt32(folded)
    }
}
