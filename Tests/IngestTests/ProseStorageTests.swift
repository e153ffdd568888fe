import Foundation
import Logging
import Testing
import ZhibiaoIngest
import ZhibiaoPostgres
import ZhibiaoTestSupport

/// Sentences stored once, evidence as a place in its sentence (migration 0009): `reporting.facts` gives back every
/// fact's sentence and evidence byte for byte, whatever they hold.
@Suite("prose stored once")
struct ProseStorageTests {
    /// The real parser, with the facts of a report changed where counting and comparing text is easy to get wrong.
    struct AwkwardProseParser: DocumentParser {
        let real: ExtractionParser
        var version: String { real.version }
        var indicators: [IndicatorDefinition] { real.indicators }

        func parse(bytes: [UInt8], name: String, metadata: DocumentMetadata) throws -> ParsedDocument {
            var parsed = try real.parse(bytes: bytes, name: name, metadata: metadata)
            // Before the evidence, a precomposed é and a character outside the BMP (two UTF-16 units, four bytes)…
            parsed.facts[0].sentence = "\u{E9}\u{20000}" + parsed.facts[0].sentence
            // … and the same sentence with a decomposed é: equal as Swift Strings, other bytes, another sentence.
            parsed.facts[1].sentence = "e\u{301}\u{20000}" + parsed.facts[0].sentence.dropFirst(2)
            parsed.facts[1].evidence = parsed.facts[0].evidence
            parsed.facts[1].span = parsed.facts[0].span
            // An evidence that its sentence does not contain is kept whole.
            let span = parsed.facts[2].span
            parsed.facts[2].evidence = String(repeating: "无", count: span[1] - span[0])
            return parsed
        }
    }

    @Test func sentencesAndEvidenceComeBackByteForByte() throws {
        let database = try TestDatabase.create()
        defer { database.drop() }
        let connection = try database.connect()
        let seed = URL(fileURLWithPath: Repository.path("seeds/003_35eaaf38468404bf.txt"))
        let bytes = [UInt8](try Data(contentsOf: seed))
        _ = try IngestQueue.enqueue(
            [IngestQueue.Submission(bytes: bytes, sourceName: "awkward.txt")], maxAttempts: 5, on: connection)
        let parser = AwkwardProseParser(real: try ExtractionParser())
        let processor = MessageProcessor(parser: parser, settings: IngestSettings(), logger: Logger(label: "test"))
        let outcomes = try processor.processNext(worker: "w", on: connection)
        #expect(outcomes.count == 1)
        guard case .done(let documentID, _) = outcomes.first else {
            Issue.record("not stored: \(outcomes)")
            return
        }
        let facts = try parser.parse(bytes: bytes, name: "awkward.txt", metadata: DocumentMetadata()).facts
        #expect(facts.count > 10)

        let stored = try connection.query(
            "SELECT evidence, sentence FROM reporting.facts WHERE document_id = $1 ORDER BY id", [documentID]
        ).map { (Array(try $0.decode(String.self, at: 0).utf8), Array(try $0.decode(String.self, at: 1).utf8)) }
        #expect(stored.map(\.0) == facts.map { Array($0.evidence.utf8) })
        #expect(stored.map(\.1) == facts.map { Array($0.sentence.utf8) })

        // One row per distinct sentence (by its bytes), and only the evidence not in its sentence stored as text.
        let sentences = try connection.query(
            "SELECT count(*) FROM zhibiao.sentences WHERE document_id = $1", [documentID]
        ).first!.decode(Int.self, at: 0)
        #expect(sentences == Set(facts.map { Array($0.sentence.utf8) }).count)
        #expect(sentences < facts.count)
        let whole = try connection.query(
            "SELECT evidence FROM zhibiao.facts WHERE document_id = $1 AND evidence IS NOT NULL", [documentID]
        ).map { try $0.decode(String.self, at: 0) }
        #expect(whole == [facts[2].evidence])
        #expect(try danglingFactReferences(on: connection) == 0)
    }
}
