import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Paths inside the repository, found from this file's location (tests run from any working directory).
public enum Repository {
    public static let root: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }()

    public static func path(_ relative: String) -> String { root + "/" + relative }

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

/// A real child process for tests, started with `posix_spawn`.
///
/// Its pipes are made close-on-exec under the same lock that every spawn takes, so a process that another test
/// starts at the same moment (a PostgreSQL server, say) never inherits them and keeps them open — the hang
/// `Foundation.Process` with `Pipe` runs into when tests run in parallel.
public final class ChildProcess: @unchecked Sendable {
    private static let spawnLock = NSLock()

    public let pid: pid_t
    private var stdinWriter: Int32
    private let stdoutReader: PipeReader
    private let stderrReader: PipeReader
    private var exitStatus: Int32?
    private let lock = NSLock()

    /// Starts `executable` with `arguments`; `environment` entries are added to this process's environment.
    public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        Self.spawnLock.lock()
        defer { Self.spawnLock.unlock() }
        var pipes: [[Int32]] = []
        for _ in 0..<3 {
            var fds: [Int32] = [0, 0]
            guard pipe(&fds) == 0 else { throw TestSupportError("pipe failed: \(errno)") }
            for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            pipes.append(fds)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipes[0][0], 0)
        posix_spawn_file_actions_adddup2(&actions, pipes[1][1], 1)
        posix_spawn_file_actions_adddup2(&actions, pipes[2][1], 2)

        let env = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0)=\($1)" }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup($0) } + [nil]
        defer {
            for argument in argv { free(argument) }
            for variable in envp { free(variable) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        close(pipes[0][0])
        close(pipes[1][1])
        close(pipes[2][1])
        guard spawned == 0 else {
            close(pipes[0][1])
            close(pipes[1][0])
            close(pipes[2][0])
            throw TestSupportError("cannot start \(executable): \(String(cString: strerror(spawned)))")
        }
        self.pid = pid
        self.stdinWriter = pipes[0][1]
        self.stdoutReader = PipeReader(pipes[1][0])
        self.stderrReader = PipeReader(pipes[2][0])
    }

    deinit {
        closeInput()
    }

    /// Writes to the child's standard input.
    public func write(_ data: Data) {
        let stdinWriter = lock.withLock { self.stdinWriter }
        guard stdinWriter >= 0 else { return }
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(stdinWriter, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }

    /// Closes the child's standard input (end of file for it).
    public func closeInput() {
        lock.withLock {
            guard stdinWriter >= 0 else { return }
            close(stdinWriter)
            stdinWriter = -1
        }
    }

    /// Sends a signal (`SIGTERM`, `SIGKILL` …).
    public func signal(_ signal: Int32) {
        kill(pid, signal)
    }

    /// Waits for the child to end and returns its exit code (128 + signal when a signal ended it).
    @discardableResult
    public func wait() -> Int32 {
        lock.withLock {
            if let exitStatus { return exitStatus }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            return recordExit(status)
        }
    }

    /// True once the child has ended (without waiting for it).
    public var hasExited: Bool {
        lock.withLock {
            if exitStatus != nil { return true }
            var status: Int32 = 0
            guard waitpid(pid, &status, WNOHANG) == pid else { return false }
            recordExit(status)
            return true
        }
    }

    /// Keeps the exit code of a `waitpid` status; call with the lock held.
    @discardableResult
    private func recordExit(_ status: Int32) -> Int32 {
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        exitStatus = code
        return code
    }

    /// Everything the child wrote to standard output, once it closed it (normally at exit).
    public var stdout: String { String(decoding: stdoutReader.wait(), as: UTF8.self) }
    /// Everything the child wrote to standard error, once it closed it.
    public var stderr: String { String(decoding: stderrReader.wait(), as: UTF8.self) }
}

/// Drains one pipe on a background thread so that a chatty child never blocks on a full pipe.
final class PipeReader: @unchecked Sendable {
    /// Written once by the reading thread before it leaves `done`; read only after `done.wait()`.
    private var data = Data()
    private let done = DispatchGroup()

    init(_ fd: Int32) {
        done.enter()
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 65536)
            var collected = Data()
            while true {
                let count = read(fd, &buffer, buffer.count)
                if count > 0 {
                    collected.append(buffer, count: count)
                } else if count < 0 && errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            close(fd)
            self.data = collected
            self.done.leave()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}

/// Runs processes to completion.
public enum Subprocess {
    public struct Outcome: Sendable {
        public let exitCode: Int32
        public let stdout: String
        public let stderr: String
    }

    /// Runs `executable` with `arguments` to its end; `input` is written to its standard input.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], input: Data? = nil
    ) throws -> Outcome {
        let child = try ChildProcess(executable, arguments, environment: environment)
        if let input { child.write(input) }
        child.closeInput()
        let code = child.wait()
        return Outcome(exitCode: code, stdout: child.stdout, stderr: child.stderr)
    }
}
