import ArgumentParser
import Foundation
import ZhibiaoExtraction

/// Extraction speed and memory: load time of gazetteer + taxonomy, MB/s and chars/s through decode + facts on one
/// core, and the peak resident set for one large input.
struct ParseBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse", abstract: "Throughput of the whole extraction over a corpus made from the given reports.")

    @Argument(help: "Report files the corpus is made of (each copied with varied figures).")
    var files: [String]

    @Option(help: "Size of the corpus in bytes of UTF-8.")
    var corpusBytes = 10_000_000

    @Option(help: "Timed runs over the corpus (the median is reported); one untimed warm-up run precedes them.")
    var runs = 5

    func run() throws {
        let loadTimes = try (0..<5).map { _ in try measure { _ = try Extractor() } }
        let extractor = try Extractor()
        let corpus = try makeCorpus()
        let bytes = corpus.reduce(0) { $0 + $1.count }
        let characters = corpus.reduce(0) { $0 + String(decoding: $1, as: UTF8.self).count }

        var factCount = 0
        func pass() throws {
            factCount = 0
            for (index, document) in corpus.enumerated() {
                let text = try extractor.decode(document, doc: "bench-\(index)")
                factCount += try extractor.facts(in: text, doc: "bench-\(index)").count
            }
        }
        try pass()
        let times = try (0..<runs).map { _ in try measure(pass) }
        let seconds = times.median

        // One input of the whole corpus size at once, for the memory bound.
        let single = corpus.joined(separator: Array("\n\n".utf8)).map { $0 }
        let residentBefore = ResourceUsage.residentBytes
        let text = try extractor.decode(single, doc: "bench-single")
        // As `zhibiao-ingest parse` consumes them: article by article. Then all facts collected at once (the peak can
        // only grow, so this second figure is the larger of the two).
        var singleFacts = 0
        try extractor.read(text, source: DocumentSource(name: "bench-single")) { _, facts in singleFacts += facts.count
        }
        let streamingPeak = ResourceUsage.peakResidentBytes
        let collected = try extractor.facts(in: text, doc: "bench-single")
        precondition(collected.count == singleFacts)

        printJSON([
            "benchmark": "parse",
            "load_ms_median": loadTimes.median * 1000,
            "documents": corpus.count,
            "bytes": bytes,
            "characters": characters,
            "facts": factCount,
            "runs": runs,
            "seconds_median": seconds,
            "mb_per_s": Double(bytes) / seconds / 1_000_000,
            "chars_per_s": Double(characters) / seconds,
            "single_input_bytes": single.count,
            "resident_before_single_mb": Double(residentBefore) / 1_048_576,
            "peak_resident_mb": Double(streamingPeak) / 1_048_576,
            "peak_resident_collected_mb": Double(ResourceUsage.peakResidentBytes) / 1_048_576,
        ])
    }

    /// Copies of the reports until `corpusBytes`, each with its digits shifted so no two copies are the same text.
    private func makeCorpus() throws -> [[UInt8]] {
        let originals = try files.map { try [UInt8](Data(contentsOf: URL(fileURLWithPath: $0))) }
        guard !originals.isEmpty else { throw ValidationError("give at least one report file") }
        var corpus: [[UInt8]] = []
        var total = 0
        var copy = 0
        while total < corpusBytes {
            for original in originals where total < corpusBytes {
                let varied = original.map { byte in
                    (48...57).contains(byte) ? UInt8(48 + (Int(byte) - 48 + copy) % 10) : byte
                }
                corpus.append(varied)
                total += varied.count
            }
            copy += 1
        }
        return corpus
    }
}

/// Seconds taken by `body`.
func measure(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}
