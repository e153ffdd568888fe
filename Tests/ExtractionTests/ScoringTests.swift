import Foundation
import Testing
import ZhibiaoExtraction

/// The quality bar on the seeds, scored by the same score.py the project uses (with the `measure` field): facts
/// precision ≥ 0.97 and F1 ≥ 0.97, money F1 ≥ 0.98. The extractor runs in-process; score.py runs as a real process.
struct ScoringTests {
    @Test func factsMeetTheBar() throws {
        let (p, _, f) = try score(mode: "facts", gold: "seeds-facts.jsonl") { text, doc in
            try Fixtures.extractor.facts(in: text, doc: doc).map { JSONLine.fact($0) }
        }
        #expect(p >= 0.97)
        #expect(f >= 0.97)
    }

    @Test func moneyMeetsTheBar() throws {
        let (_, _, f) = try score(mode: "money", gold: "seeds-money.jsonl") { text, doc in
            Fixtures.extractor.money(in: text, doc: doc).map(JSONLine.money)
        }
        #expect(f >= 0.98)
    }

    func score(mode: String, gold: String, lines: (String, String) throws -> [String]) throws -> (
        Double, Double, Double
    ) {
        let seeds = Fixtures.repositoryRoot.appendingPathComponent("seeds")
        var output = ""
        for name in try FileManager.default.contentsOfDirectory(atPath: seeds.path).sorted()
        where name.hasSuffix(".txt") {
            let text = try Fixtures.extractor.decode(
                [UInt8](Data(contentsOf: seeds.appendingPathComponent(name))), doc: name)
            for line in try lines(text, name) { output += line + "\n" }
        }
        guard let goldDir = Bundle.module.url(forResource: "Gold", withExtension: nil) else {
            Issue.record("Gold resources missing")
            return (0, 0, 0)
        }
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("zhibiao-score-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: temp) }
        let predictions = temp.appendingPathComponent("pred.jsonl")
        try output.write(to: predictions, atomically: true, encoding: .utf8)
        let stdout = temp.appendingPathComponent("stdout.txt")
        FileManager.default.createFile(atPath: stdout.path, contents: nil)
        let handle = try FileHandle(forWritingTo: stdout)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", goldDir.appendingPathComponent("score.py").path, mode,
            goldDir.appendingPathComponent(gold).path, predictions.path, "--show-misses", "20",
        ]
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        let report = try String(contentsOf: stdout, encoding: .utf8)
        print(report)
        #expect(process.terminationStatus == 0, "score.py failed: \(report)")
        guard let last = report.split(separator: "\n").last(where: { $0.hasPrefix("precision") }) else {
            Issue.record("no score line in: \(report)")
            return (0, 0, 0)
        }
        let words = last.split(separator: " ")
        func value(_ key: String) -> Double {
            words.firstIndex(of: Substring(key)).flatMap { Double(words[$0 + 1]) } ?? 0
        }
        return (value("precision"), value("recall"), value("f1"))
    }
}
