import Foundation
import ZhibiaoFuzzSupport
import ZhibiaoProtocol

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
    /// libFuzzer's entry point.
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzProtocol(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
        FuzzHarness.check(Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    }

    @_cdecl("ZhibiaoProtocolFuzz_main")
    public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
        FuzzDriver.run(argc, argv, fuzzProtocol)
    }
#else
    /// Without libFuzzer: replays the files and folders given (a corpus, saved crashers) through the same checks.
    @main
    enum ReplayCorpus {
        static func main() throws {
            let count = try FuzzDriver.replay(Array(CommandLine.arguments.dropFirst()), FuzzHarness.check)
            print("replayed \(count) inputs, every accepted value survived its round trip")
        }
    }
#endif
