import Foundation
import Testing
import ZhibiaoExtraction
import ZhibiaoModels

/// Runs every `Cases/*.json` ({name, text, facts[, exhaustive]}): each expected fact (only the fields it lists)
/// must be extracted, and unless `exhaustive` is false no other fact with an indicator may appear. Adding a case
/// needs no Swift.
struct GoldenCaseTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var facts: [[String: JSONValue]]
        var exhaustive: Bool
        var testDescription: String { name }
    }

    enum JSONValue: Sendable, Equatable {
        case null, string(String), number(Double)
    }

    static func loadCases() -> [Case] {
        guard let dir = Bundle.module.url(forResource: "Cases", withExtension: nil),
            let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path)
        else { return [] }
        return names.filter { $0.hasSuffix(".json") }.sorted().compactMap { name in
            guard let data = try? Data(contentsOf: dir.appendingPathComponent(name)),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let text = object["text"] as? String, let facts = object["facts"] as? [[String: Any]]
            else { return nil }
            let converted = facts.map { fact in
                fact.mapValues { value -> JSONValue in
                    if let s = value as? String { return .string(s) }
                    if let n = value as? NSNumber { return .number(n.doubleValue) }
                    return .null
                }
            }
            return Case(
                name: object["name"] as? String ?? name, text: text, facts: converted,
                exhaustive: object["exhaustive"] as? Bool ?? true)
        }
    }

    @Test func casesExist() { #expect(Self.loadCases().count >= 30) }

    @Test(arguments: loadCases()) func goldenCase(_ c: Case) throws {
        let facts = Fixtures.extractor.facts(in: c.text, doc: "case.txt")
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
        default: return .string("<unknown field \(key)>")
        }
    }
}

extension Fact {
    var summary: String {
        "\(indicator ?? "-") \(label) \(value.map { "\($0)" } ?? "null")\(unit ?? "") y=\(year.map(String.init) ?? "?") \(kind.rawValue) \(region ?? "?") g=\(growthPct.map { "\($0)" } ?? "-")"
    }
}
