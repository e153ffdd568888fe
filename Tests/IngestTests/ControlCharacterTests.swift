import Foundation
import Testing
import ZhibiaoConfiguration
import ZhibiaoIngest
import ZhibiaoObservability
import ZhibiaoTestSupport

/// Issue 13, item 13 (names): a file name holding a newline and a terminal escape must not forge a line of
/// `submit`'s output, of `status`, or of the daemon's logs.
@Suite("control characters in names")
struct ControlCharacterTests {
    static let forgedLine = "2026-01-01T00:00:00+0000 error zhibiao.ingest: forged"
    static let name = "evil\n\(forgedLine)\u{1B}[31m\u{202E}.bin"
    static let escapedName = "evil\\n\(forgedLine)\\u{1B}[31m\\u{202E}.bin"

    @Test func aForgedLineInAFileNameStaysOneEscapedLine() throws {
        let fixture = try IngestFixture()
        defer { fixture.drop() }
        let folder = NSTemporaryDirectory() + "zhibiao-names-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // A report the worker finds too large (its --max-bytes below submit's), so that the name reaches the failure
        // log and the recent errors; `submit` would refuse bytes that are not text before they got there.
        try Data(VariedDocuments.text(0).utf8).write(to: URL(fileURLWithPath: "\(folder)/\(Self.name)"))

        let submitted = try fixture.run(["submit", "--max-attempts", "2", folder])
        #expect(submitted.exitCode == 0, "\(submitted.stderr)")
        #expect(
            submitted.stdout
                == "queued \(folder)/\(Self.escapedName) (message 1)\nqueued 1, already known 0, rejected 0\n")

        let served = try fixture.run(["serve", "--once", "--backoff-base", "0", "--max-bytes", "10"])
        #expect(served.exitCode == 0, "\(served.stderr)")
        expectNoForgedLine(served.stderr)
        #expect(served.stderr.contains("name=\(Self.escapedName)"), "\(served.stderr)")

        let status = try fixture.run(["status"])
        expectNoForgedLine(status.stdout)
        #expect(status.stdout.contains("#1 \(Self.escapedName) [discarded] attempt 1"), "\(status.stdout)")

        // JSON logs escape by being JSON: every line is one object, and the name comes back whole.
        #expect(try fixture.run(["retry", "1"]).exitCode == 0)
        let json = try fixture.run(
            ["serve", "--once", "--backoff-base", "0", "--max-bytes", "10", "--log-format", "json"])
        #expect(json.exitCode == 0, "\(json.stderr)")
        let objects = try json.stderr.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], "\($0)")
        }
        #expect(objects.contains { $0["name"] as? String == Self.name })
    }

    private func expectNoForgedLine(_ output: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!output.contains("\u{1B}") && !output.contains("\u{202E}"), sourceLocation: sourceLocation)
        #expect(
            !output.split(separator: "\n").contains { $0.hasPrefix(Self.forgedLine) }, "\(output)",
            sourceLocation: sourceLocation)
    }

    @Test func escapingKeepsOrdinaryTextAndEscapesTheRest() {
        #expect("峡窝镇 report (2023).txt".escapingControlCharacters == "峡窝镇 report (2023).txt")
        #expect("a\r\nb\tc\u{7F}\u{85}\u{2028}".escapingControlCharacters == "a\\r\\nb\\tc\\u{7F}\\u{85}\\u{2028}")
    }
}
