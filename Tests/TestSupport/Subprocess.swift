import Foundation

/// Paths inside the repository, found from this file's location (tests run from any working directory).
public enum Repository {
    public static let root: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }()

    public static func path(_ relative: String) -> String { root + "/" + relative }
}

/// Runs real processes for tests and collects their output.
public enum Subprocess {
    public struct Outcome: Sendable {
        public let exitCode: Int32
        public let stdout: String
        public let stderr: String
    }

    /// Runs `executable` with `arguments` to completion; `input` is written to its standard input.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, input: Data? = nil
    ) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe()
        let err = Pipe()
        let stdin = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin
        try process.run()
        // Read both pipes concurrently so a chatty child never blocks on a full pipe.
        let stdoutData = ReadAll(out.fileHandleForReading)
        let stderrData = ReadAll(err.fileHandleForReading)
        if let input { stdin.fileHandleForWriting.write(input) }
        try? stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        return Outcome(
            exitCode: process.terminationStatus,
            stdout: String(decoding: stdoutData.wait(), as: UTF8.self),
            stderr: String(decoding: stderrData.wait(), as: UTF8.self))
    }
}

/// Reads a file handle to its end on a background thread.
final class ReadAll: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        DispatchQueue.global().async {
            self.data = handle.readDataToEndOfFile()
            self.done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}

extension Repository {
    /// A product executable built beside the test bundle (`make test` builds them before running the suite).
    public static func executable(_ name: String) throws -> String {
        let buildFolder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for folder in [buildFolder, buildFolder.deletingLastPathComponent()] {
            let candidate = folder.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw TestSupportError("\(name) is not built next to the tests in \(buildFolder.path): run `swift build` first")
    }
}
