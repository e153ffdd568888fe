import Foundation
import Testing
import ZhibiaoExtraction
import ZhibiaoModels

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

    enum JSONValue: Sendable, Equatable {
        case null, string(String), number(Double)
    }

    struct UnreadableCase: Error, CustomStringConvertible {
        var file: String
        var description: String { "\(file): not a golden case ({name, text, facts: [{…}]})" }
    }

    static func caseFiles() throws -> [URL] {
        guard let dir = Bundle.module.url(forResource: "Cases", withExtension: nil) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }.sorted()
            .map { dir.appendingPathComponent($0) }
    }

    static func read(_ file: URL) throws -> Case {
        guard let object = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any],
            let text = object["text"] as? String, let facts = object["facts"] as? [[String: Any]]
        else { throw UnreadableCase(file: file.lastPathComponent) }
        let converted = try facts.map { fact in
            try fact.mapValues { value -> JSONValue in
                if value is NSNull { return .null }
                if let s = value as? String { return .string(s) }
                if let n = value as? NSNumber { return .number(n.doubleValue) }
                throw UnreadableCase(file: file.lastPathComponent)
            }
        }
        return Case(
            name: object["name"] as? String ?? file.lastPathComponent, text: text, facts: converted,
            exhaustive: object["exhaustive"] as? Bool ?? true, publishedOn: object["published_on"] as? String,
            regionHint: object["region_hint"] as? String)
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
        expected.allSatisfy { key, value in field(fact, key) == value || closeNumbers(field(fact, key), value) }
    }

    func closeNumbers(_ a: JSONValue, _ b: JSONValue) -> Bool {
        guard case .number(let x) = a, case .number(let y) = b else { return false }
        return abs(x - y) <= 1e-9 * max(1, abs(x), abs(y))
    }

    func field(_ f: Fact, _ key: String) -> JSONValue {
        func n(_ d: Decimal?) -> JSONValue { d.map { .number(NSDecimalNumber(decimal: $0).doubleValue) } ?? .null }
        func s(_ v: String?) -> JSONValue { v.map(JSONValue.string) ?? .null }
        switch key {
        case "region": return s(f.region)
        case "year": return f.year.map { .number(Double($0)) } ?? .null
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
