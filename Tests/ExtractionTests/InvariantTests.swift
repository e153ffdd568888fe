import Foundation
import Testing
import ZhibiaoExtraction

/// The rules the fuzzer checks on mutated inputs, held on the real texts and on inputs it once broke.
@Suite("fact invariants")
struct InvariantTests {
    static let seeds: [URL] = {
        let folder = Fixtures.repositoryRoot.appendingPathComponent("seeds")
        return (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil))?
            .filter { $0.pathExtension == "txt" }.sorted { $0.path < $1.path } ?? []
    }()

    @Test("seed facts satisfy the invariants", arguments: seeds)
    func seed(_ file: URL) throws {
        let text = try Fixtures.extractor.decode([UInt8](try Data(contentsOf: file)), doc: file.lastPathComponent)
        let invariants = FactInvariants(text: text)
        let facts = try Fixtures.extractor.facts(in: text, doc: file.lastPathComponent)
        #expect(!facts.isEmpty)
        for fact in facts {
            #expect(invariants.violations(of: fact).isEmpty, "\(fact.evidence): \(invariants.violations(of: fact))")
        }
    }

    @Test func invariantsCatchABrokenSpan() throws {
        let text = "全年新增城镇就业1200人。"
        var fact = try #require(Fixtures.facts(text).first)
        #expect(FactInvariants(text: text).violations(of: fact).isEmpty)
        fact.span = [fact.span[0] + 1, fact.span[1] + 1]
        fact.baseValue = fact.value.map { $0 * 3 }
        #expect(FactInvariants(text: text).violations(of: fact).count == 2)
    }

    /// Inputs a fuzz run once found failing (copied from fuzz-artifacts/ when fixed) stay fixed.
    @Test func fuzzRegressionsStayFixed() throws {
        let folder = Fixtures.repositoryRoot.appendingPathComponent("Tests/ExtractionTests/FuzzRegressions")
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { !$0.lastPathComponent.hasPrefix(".") && $0.lastPathComponent != "README" }
        #expect(files.count >= 100, "the minimized corpus is missing")
        for file in files {
            guard let text = try? Fixtures.extractor.decode([UInt8](try Data(contentsOf: file)), doc: "regression")
            else { continue }  // refusing undecodable bytes with an error is the correct outcome
            let invariants = FactInvariants(text: text)
            for fact in try Fixtures.extractor.facts(in: text, doc: "regression") {
                #expect(invariants.violations(of: fact).isEmpty, "\(file.lastPathComponent): \(fact.evidence)")
            }
        }
    }
}
