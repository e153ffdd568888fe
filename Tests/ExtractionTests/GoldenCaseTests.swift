import Foundation
import Testing
import ZhibiaoExtraction
import ZhibiaoFacts

/// Runs every `Cases/*.json` ({name, text, facts[, exhaustive][, published_on][, region_hint]}): each expected fact
/// (only the fields it lists) must be extracted, and unless `exhaustive` is false no other fact with an indicator may
/// appear. Adding a case needs no Swift; a case that cannot be read fails, naming its file.
struct GoldenCaseTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var facts: [[String: JSONValue]]
        var exhaustive: Bool
        var publishedOn: String?
        var regionHint: String?
        var testDescription: String { name }
    }

    /// An expected field: numbers are decoded as exact decimals (0.48 stays 0.48) and compared exactly.
    enum JSONValue: Sendable, Equatable, Decodable {
        case null
        case string(String)
        case number(Decimal)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let text = try? container.decode(String.self) {
                self = .string(text)
            } else {
                self = .number(try container.decode(Decimal.self))
            }
        }
    }

    /// A case file as written.
    struct File: Decodable {
        var name: String?
        var text: String
        var facts: [[String: JSONValue]]
        var exhaustive: Bool?
        var publishedOn: String?
        var regionHint: String?

        enum CodingKeys: String, CodingKey {
            case name, text, facts, exhaustive
            case publishedOn = "published_on"
            case regionHint = "region_hint"
        }
    }

    struct UnreadableCase: Error, CustomStringConvertible {
        var file: String
        var reason: String
        var description: String { "\(file): not a golden case ({name, text, facts: [{…}]}): \(reason)" }
    }

    static func caseFiles() throws -> [URL] {
        guard let dir = Bundle.module.url(forResource: "Cases", withExtension: nil) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }.sorted()
            .map { dir.appendingPathComponent($0) }
    }

    static func read(_ file: URL) throws -> Case {
        let written: File
        do {
            written = try JSONDecoder().decode(File.self, from: Data(contentsOf: file))
        } catch {
            throw UnreadableCase(file: file.lastPathComponent, reason: "\(error)")
        }
        return Case(
            name: written.name ?? file.lastPathComponent, text: written.text, facts: written.facts,
            exhaustive: written.exhaustive ?? true, publishedOn: written.publishedOn, regionHint: written.regionHint)
    }

    static func loadCases() -> [Case] { (try? caseFiles().compactMap { try? read($0) }) ?? [] }

    @Test func everyCaseFileReads() throws {
        for file in try Self.caseFiles() { _ = try Self.read(file) }
    }

    @Test func casesExist() { #expect(Self.loadCases().count >= 60) }

    @Test(arguments: loadCases()) func goldenCase(_ c: Case) throws {
        let source = DocumentSource(
            name: "case.txt", publishedOn: c.publishedOn.flatMap(CalendarDate.init(iso:)), regionHint: c.regionHint)
        let facts = try Fixtures.extractor.document(in: c.text, source: source).facts
        var used = Set<Int>()
        for expected in c.facts {
            let hit = facts.indices.first { !used.contains($0) && matches(facts[$0], expected) }
            #expect(hit != nil, "missing \(expected) in \(c.name); got \(facts.map(\.summary))")
            if let hit { used.insert(hit) }
        }
        if c.exhaustive {
            let extras = facts.indices.filter { !used.contains($0) && facts[$0].indicator != nil }
            #expect(extras.isEmpty, "unexpected \(extras.map { facts[$0].summary }) in \(c.name)")
        }
    }

    func matches(_ fact: Fact, _ expected: [String: JSONValue]) -> Bool {
        expected.allSatisfy { key, value in field(fact, key) == value }
    }

    func field(_ f: Fact, _ key: String) -> JSONValue {
        func n(_ d: Decimal?) -> JSONValue { d.map { .number($0) } ?? .null }
        func s(_ v: String?) -> JSONValue { v.map(JSONValue.string) ?? .null }
        switch key {
        case "region": return s(f.region)
        case "region_code": return s(f.regionCode)
        case "year": return f.year.map { .number(Decimal($0)) } ?? .null
        case "kind": return .string(f.kind.rawValue)
        case "indicator": return s(f.indicator)
        case "value": return n(f.value)
        case "unit": return s(f.unit)
        case "base_value": return n(f.baseValue)
        case "unit_class": return s(f.unitClass?.rawValue)
        case "qualifier": return .string(f.qualifier.rawValue)
        case "growth_pct": return n(f.growthPct)
        case "label": return .string(f.label)
        case "measure": return s(f.measure?.rawValue)
        default: return .string("<unknown field \(key)>")
        }
    }
}

extension Fact {
    var summary: String {
        "\(indicator ?? "-") \(label) \(value.map { "\($0)" } ?? "null")\(unit ?? "") y=\(year.map(String.init) ?? "?") \(kind.rawValue) \(region ?? "?") g=\(growthPct.map { "\($0)" } ?? "-") m=\(measure?.rawValue ?? "-") \(rule ?? "")"
    }
}
