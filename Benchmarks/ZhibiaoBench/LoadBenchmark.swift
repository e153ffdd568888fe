import ArgumentParser
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Closed-loop load on the reporting socket: N connections, each sending one request line and waiting for its
/// reply before the next, for a fixed time after a warm-up. Reports requests/s, p50/p99 latency and error replies.
struct LoadBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load", abstract: "Requests/s and latency percentiles against a running zhibiao-report socket.")

    @Option(help: "The reporting socket.")
    var socket: String

    @Option(help: "Concurrent connections.")
    var connections = 16

    @Option(help: "Measured seconds (bounded).")
    var duration = 10.0

    @Option(help: "Warm-up seconds before measuring.")
    var warmup = 2.0

    @Option(help: "Request lines (JSON) sent in turn; repeat the option for a mix of methods.")
    var request: [String] = [#"{"id":1,"method":"ping"}"#]

    func validate() throws {
        guard (1...1024).contains(connections) else { throw ValidationError("--connections must be 1…1024") }
        guard duration > 0, duration <= 600, warmup >= 0, warmup <= 60 else {
            throw ValidationError("--duration must be in (0, 600] s and --warmup in [0, 60] s")
        }
    }

    func run() throws {
        let requests = request.map { Array(($0 + "\n").utf8) }
        let start = DispatchTime.now().uptimeNanoseconds
        let measureFrom = start + UInt64(warmup * 1e9)
        let stopAt = measureFrom + UInt64(duration * 1e9)
        let workers = (0..<connections).map { index in
            LoadWorker(socket: socket, requests: requests, offset: index, measureFrom: measureFrom, stopAt: stopAt)
        }
        let group = DispatchGroup()
        for worker in workers {
            group.enter()
            Thread.detachNewThread {
                worker.run()
                group.leave()
            }
        }
        group.wait()
        let latencies = workers.flatMap(\.latencies)
        let failures = workers.compactMap(\.failure)
        printJSON([
            "benchmark": "load",
            "connections": connections,
            "seconds": duration,
            "requests": latencies.count,
            "requests_per_s": Double(latencies.count) / duration,
            "p50_ms": latencies.percentile(50) * 1000,
            "p99_ms": latencies.percentile(99) * 1000,
            "max_ms": (latencies.max() ?? 0) * 1000,
            "error_replies": workers.reduce(0) { $0 + $1.errorReplies },
            "connection_failures": failures.count,
            "first_failure": failures.first ?? "",
        ])
        if !failures.isEmpty { throw ExitCode(1) }
    }
}

/// One connection's loop. Its results are read after its thread finished.
final class LoadWorker: @unchecked Sendable {
    let socket: String
    let requests: [[UInt8]]
    var offset: Int
    let measureFrom: UInt64
    let stopAt: UInt64
    var latencies: [Double] = []
    var errorReplies = 0
    var failure: String?

    init(socket: String, requests: [[UInt8]], offset: Int, measureFrom: UInt64, stopAt: UInt64) {
        self.socket = socket
        self.requests = requests
        self.offset = offset
        self.measureFrom = measureFrom
        self.stopAt = stopAt
    }

    func run() {
        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return fail("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let path = Array(socket.utf8CString)
        guard path.count <= MemoryLayout.size(ofValue: address.sun_path) else { return fail("socket path too long") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            path.withUnsafeBytes { raw.copyMemory(from: $0) }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else { return fail("connect \(socket): \(String(cString: strerror(errno)))") }

        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var pending: [UInt8] = []
        while true {
            let now = DispatchTime.now().uptimeNanoseconds
            if now >= stopAt { return }
            let request = requests[offset % requests.count]
            offset += 1
            let sent = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent == request.count else { return fail("send failed") }
            // Read until the reply's newline.
            var line: [UInt8]?
            while line == nil {
                if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    line = Array(pending[..<newline])
                    pending.removeSubrange(...newline)
                    break
                }
                let count = recv(fd, &buffer, buffer.count, 0)
                guard count > 0 else { return fail("connection closed by the server") }
                pending.append(contentsOf: buffer[..<count])
            }
            let end = DispatchTime.now().uptimeNanoseconds
            if now >= measureFrom {
                latencies.append(Double(end - now) / 1e9)
                if let line, Self.isErrorReply(line) { errorReplies += 1 }
            }
        }
    }

    /// A reply is an error when its top-level `"error":` key comes before any `"result":` (nested text in a result
    /// can only follow the result key).
    static func isErrorReply(_ line: [UInt8]) -> Bool {
        let text = String(decoding: line, as: UTF8.self)
        guard let error = text.range(of: "\"error\":") else { return false }
        guard let result = text.range(of: "\"result\":") else { return true }
        return error.lowerBound < result.lowerBound
    }

    private func fail(_ message: String) {
        failure = message
    }
}
