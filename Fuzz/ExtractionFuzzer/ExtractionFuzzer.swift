import Foundation
import ZhibiaoExtraction

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
/// libFuzzer's entry point (built by `make fuzz` with `-sanitize=fuzzer,address`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExtraction(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    FuzzHarness.check(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

/// libFuzzer's driver (compiler-rt), declared here since it has no Swift module.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32
) -> Int32

/// SwiftPM links an executable's `main` to `<module>_main`, so libFuzzer's own `main` is never linked in: this one
/// hands control to libFuzzer's driver instead.
@_cdecl("ZhibiaoFuzz_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzExtraction)
}
#else
/// Without libFuzzer: replays the files and folders given (a corpus, saved crashers) through the same checks.
@main
enum ReplayCorpus {
    static func main() throws {
        var count = 0
        for path in CommandLine.arguments.dropFirst() {
            var isFolder: ObjCBool = false
            FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
            let files = isFolder.boolValue
                ? try FileManager.default.contentsOfDirectory(atPath: path).sorted().map { path + "/" + $0 }
                : [path]
            for file in files {
                FuzzHarness.check([UInt8](try Data(contentsOf: URL(fileURLWithPath: file))))
                count += 1
            }
        }
        print("replayed \(count) inputs, all invariants held")
    }
}
#endif
