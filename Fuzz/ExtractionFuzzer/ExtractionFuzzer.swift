import Foundation
import ZhibiaoExtraction
import ZhibiaoFuzzSupport

/// Decodes and extracts one input and stops the process when a fact breaks `FactInvariants` — libFuzzer records
/// the input as a crash. Undecodable input is fine: it must only be refused with an error, never crash.
enum FuzzHarness {
    static let extractor: Extractor = {
        do { return try Extractor() } catch { fatalError("cannot load the extraction data: \(error)") }
    }()

    static func check(_ bytes: [UInt8]) {
        guard let text = try? extractor.decode(bytes, doc: "fuzz") else { return }
        let invariants = FactInvariants(text: text)
        guard let facts = try? extractor.facts(in: text, doc: "fuzz") else { return }
        let broken = facts.flatMap(invariants.violations(of:))
        if !broken.isEmpty { fatalError("invariant broken:\n" + broken.joined(separator: "\n")) }
        _ = extractor.money(in: text, doc: "fuzz")
    }
}

#if ZHIBIAO_LIBFUZZER
    /// libFuzzer's entry point.
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzExtraction(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
        FuzzHarness.check(Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    }

    @_cdecl("ZhibiaoFuzz_main")
    public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
        FuzzDriver.run(argc, argv, fuzzExtraction)
    }
#else
    /// Without libFuzzer: replays the files and folders given (a corpus, saved crashers) through the same checks.
    @main
    enum ReplayCorpus {
        static func main() throws {
            let count = try FuzzDriver.replay(Array(CommandLine.arguments.dropFirst()), FuzzHarness.check)
            print("replayed \(count) inputs, all invariants held")
        }
    }
#endif
