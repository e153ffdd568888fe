import Foundation
import ZhibiaoExtraction
import ZhibiaoFacts

/// One extractor for the whole test run (loading the gazetteer once), and the repository root for the seeds.
enum Fixtures {
    static let extractor: Extractor = try! Extractor()

    /// The repository root, found from this file's path (Tests/ExtractionTests/Fixtures.swift).
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func facts(_ text: String) throws -> [Fact] { try extractor.facts(in: text, doc: "test.txt") }
}
