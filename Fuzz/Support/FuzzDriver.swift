import Foundation

/// What the two fuzz targets share: libFuzzer's driver, and the replay of saved inputs when built without it.
public enum FuzzDriver {
    public typealias Check = @convention(c) (UnsafePointer<UInt8>, Int) -> Int32

    /// Runs libFuzzer's driver on `check` with the process's arguments (built by `make fuzz` with
    /// `-sanitize=fuzzer,address`: SwiftPM links an executable's `main` to `<module>_main`, so each target's
    /// `<module>_main` calls this instead of libFuzzer's own `main`).
    public static func run(
        _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ check: Check
    ) -> Int32 {
        #if ZHIBIAO_LIBFUZZER
            var argc = argc
            var argv = argv
            return LLVMFuzzerRunDriver(&argc, &argv, check)
        #else
            fatalError("built without libFuzzer (make fuzz builds it)")
        #endif
    }

    /// Feeds every file given (folders: the files in them, sorted) to `check`; returns how many.
    public static func replay(_ paths: [String], _ check: ([UInt8]) -> Void) throws -> Int {
        var count = 0
        for path in paths {
            var isFolder: ObjCBool = false
            FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
            let files =
                isFolder.boolValue
                ? try FileManager.default.contentsOfDirectory(atPath: path).sorted().map { path + "/" + $0 } : [path]
            for file in files {
                check([UInt8](try Data(contentsOf: URL(fileURLWithPath: file))))
                count += 1
            }
        }
        return count
    }
}

#if ZHIBIAO_LIBFUZZER
    /// libFuzzer's driver (compiler-rt), declared here under its C name since it has no Swift module.
    // swift-format-ignore: AlwaysUseLowerCamelCase
    @_silgen_name("LLVMFuzzerRunDriver")
    func LLVMFuzzerRunDriver(
        _ argc: UnsafeMutablePointer<Int32>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32
    ) -> Int32
#endif
