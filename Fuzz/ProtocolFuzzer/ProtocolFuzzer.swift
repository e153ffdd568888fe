import Foundation
import ZhibiaoModels

/// Parses one input as a request line with the report server's limits, and stops the process when what it accepts
/// does not survive a round trip (encoded and parsed again, it must be the same value) — libFuzzer records the input
/// as a crash. Refusing an input with an error is fine; crashing, hanging or losing data is not.
enum FuzzHarness {
    static func check(_ bytes: [UInt8]) {
        guard let value = try? JSONValue(parsing: bytes, limits: .request) else { return }
        let again: JSONValue
        do {
            again = try JSONValue(parsing: value.encoded(), limits: .trusted)
        } catch {
            fatalError("accepted input does not parse again after encoding: \(error)")
        }
        if again != value { fatalError("round trip changed the value: \(value.encoded()) → \(again.encoded())") }
        _ = try? RPCRequest(value)
    }
}

#if ZHIBIAO_LIBFUZZER
/// libFuzzer's entry point (built by `make fuzz` with `-sanitize=fuzzer,address`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProtocol(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
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

/// SwiftPM links an executable's `main` to `<module>_main`: this one hands control to libFuzzer's driver.
@_cdecl("ZhibiaoProtocolFuzz_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzProtocol)
}
#else
/// Without libFuzzer: replays the files given through the same checks.
@main
enum ReplayCorpus {
    static func main() throws {
        let files = CommandLine.arguments.dropFirst()
        for file in files { FuzzHarness.check([UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))) }
        print("replayed \(files.count) inputs, every accepted value survived its round trip")
    }
}
#endif
