import Foundation
import Synchronization
import Testing
import ZhibiaoProtocol
import ZhibiaoReporting

#if canImport(Glibc)
    import Glibc
#endif

/// A generator of malformed and hostile requests against a real server (issue 7, "Fuzzing", second bullet):
/// invalid UTF-8, deep nesting, huge numbers, wrong types, over-long lines, thousands of pipelined requests, a client
/// sending one byte at a time, a client that half-closes. Each gets a proper error reply (docs/protocol.md) or only
/// its own connection closes, while a well-behaved bystander gets correct answers throughout and after.
/// Every wait has a deadline; every loop is bounded.
@Suite("Hostile clients")
struct HostileClientTests {
    // MARK: - Malformed lines, one connection, answered in order

    @Test func malformedLinesGetTheDocumentedErrors() async throws {
        try await TestServer.with { server in
            try await withBystander(server) {
                var cases: [HostileCase] = []
                // Invalid UTF-8: a bad continuation, a lone 0xFF, an overlong "/", an encoded surrogate, raw NUL.
                for bad: [UInt8] in [
                    [0xC3, 0x28], [0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0x00], [0xF4, 0x90, 0x80, 0x80],
                ] {
                    cases.append(
                        .init(
                            Array(#"{"id":1,"method":"ping","params":{"a":""#.utf8) + bad + Array(#""}}"#.utf8),
                            .parseError))
                    cases.append(.init(bad + Array(#"{"id":1,"method":"ping"}"#.utf8), .parseError))
                }
                // Deep nesting, bare and inside a request.
                cases.append(.init(String(repeating: "[", count: 100_000), .parseError))
                cases.append(.init(String(repeating: #"{"a":"#, count: 50_000), .parseError))
                cases.append(
                    .init(
                        #"{"id":1,"method":"facts","params":{"region":"# + String(repeating: "[", count: 100_000)
                            + String(repeating: "]", count: 100_000) + "}}", .parseError))
                cases.append(
                    .init(String(repeating: "[", count: 60) + String(repeating: "]", count: 60), .invalidRequest))
                // Not a request object.
                for line in [
                    "null", "123", #""ping""#, "[]", "{}", #"{"id":1}"#, #"{"id":{},"method":"ping"}"#,
                    #"{"id":[1],"method":"ping"}"#, #"{"id":1,"method":null}"#, #"{"id":1,"method":["ping"]}"#,
                    #"{"id":1,"method":"ping","params":"x"}"#, #"{"id":1,"method":"ping","params":7}"#,
                    #"{"id":1,"method":"ping","extra":true}"#,
                ] {
                    cases.append(.init(line, .invalidRequest))
                }
                for line in [
                    #"{"id":1,"method":""}"#, #"{"id":1,"method":"PING"}"#,
                    #"{"id":1,"method":"\u0000"}"#,
                    #"{"id":1,"method":"# + "\"" + String(repeating: "x", count: 10_000) + "\"}",
                ] {
                    cases.append(.init(line, .methodNotFound))
                }
                // Huge numbers as ids: echoed as sent, the request answered.
                let huge = String(repeating: "9", count: 400)
                for id in ["1e999", "-1e999", huge, "-" + huge, "1e-999", "0.000000000000000000001"] {
                    cases.append(.init(#"{"id":\#(id),"method":"ping"}"#, .result, id: id))
                }
                // Huge numbers as parameters.
                for (method, param) in [
                    ("explain", "fact"), ("facts", "year"), ("facts", "limit"), ("facts", "offset"),
                    ("facts", "document"), ("document", "id"), ("compare", "year"),
                ] {
                    for number in ["1e999", "-1e999", huge, "-" + huge, "1e19", "9223372036854775808", "1.5"] {
                        cases.append(
                            .init(
                                #"{"id":2,"method":"\#(method)","params":{"\#(param)":\#(number)}}"#,
                                .invalidParams(param)))
                    }
                }
                // Wrong types for every parameter of a few methods, from the server's own `describe`.
                let described = try await server.result("describe")["methods"]?.arrayValue ?? []
                #expect(!described.isEmpty)
                for method in described {
                    guard let name = method["name"]?.stringValue,
                        ["facts", "series", "compare", "targets", "document", "explain", "regions"].contains(name)
                    else { continue }
                    for param in method["params"]?.arrayValue ?? [] {
                        let paramName = try #require(param["name"]?.stringValue)
                        for wrong in wrongValues(for: param) {
                            cases.append(
                                .init(
                                    #"{"id":3,"method":"\#(name)","params":{"\#(paramName)":\#(wrong)}}"#,
                                    .invalidParams(paramName)))
                        }
                    }
                }
                #expect(cases.count > 150)

                let client = try RawClient(socket: server.socket)
                defer { client.close() }
                // Pipelined, interleaved with good requests so the connection is shown to live on.
                var lines: [[UInt8]] = []
                var expected: [HostileCase] = []
                for (index, hostile) in cases.enumerated() {
                    lines.append(hostile.line)
                    expected.append(hostile)
                    if index.isMultiple(of: 10) {
                        lines.append(Array(#"{"id":"ok","method":"series","params":{"indicator":"gdp"}}"#.utf8))
                        expected.append(.init(#"{}"#, .seriesGDP))
                    }
                }
                let replies = try await client.exchange(
                    lines.flatMap { $0 + [0x0A] }, replies: expected.count,
                    deadline: .seconds(60))
                #expect(replies.count == expected.count)
                for (index, (hostile, line)) in zip(expected, replies).enumerated() {
                    try hostile.check(line, index: index)
                }
                // And the connection still works after all that.
                try await client.send(Array(#"{"id":"last","method":"ping"}"#.utf8) + [0x0A], deadline: .seconds(5))
                let last = try RPCResponse(line: try #require(try await client.readLine(deadline: .seconds(10))))
                #expect(last.id == .string("last") && last.result != nil)
            }
        }
    }

    // MARK: - Over-long line

    @Test func overlongLineClosesOnlyThatConnection() async throws {
        try await TestServer.with({ $0.maxLineBytes = 64 << 10 }) { server in
            try await withBystander(server) {
                let client = try RawClient(socket: server.socket)
                defer { client.close() }
                var bytes = Array(#"{"id":1,"method":"ping"}"#.utf8) + [0x0A]
                bytes += Array(#"{"id":2,"method":"facts","params":{"q":""#.utf8)
                bytes += [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20)  // 1 MiB, no newline yet
                // The server may close while we are still sending: that is allowed.
                try? await client.send(bytes, deadline: .seconds(20))
                let first = try RPCResponse(line: try #require(try await client.readLine(deadline: .seconds(10))))
                #expect(first.id == .int(1) && first.result != nil)
                let second = try RPCResponse(line: try #require(try await client.readLine(deadline: .seconds(10))))
                #expect(second.error?.code == .lineTooLong)
                #expect(second.error?.data?["max_line_bytes"] == .int(64 << 10))
                #expect(try await client.readLine(deadline: .seconds(10)) == nil)
            }
        }
    }

    // MARK: - Thousands of pipelined requests

    @Test func fiveThousandPipelinedRequestsAreAnsweredInOrder() async throws {
        try await TestServer.with { server in
            try await withBystander(server) {
                let count = 5_000
                let client = try RawClient(socket: server.socket)
                defer { client.close() }
                var bytes: [UInt8] = []
                for index in 0..<count {
                    let line =
                        switch index % 4 {
                        case 0: #"{"id":\#(index),"method":"ping"}"#
                        case 1: #"{"id":\#(index),"method":"series","params":{"indicator":"gdp"}}"#
                        case 2: #"{"id":\#(index),"method":"nope"}"#
                        default: #"{"id":\#(index),"method":"facts","params":{"year":"x"}}"#
                        }
                    bytes += Array(line.utf8) + [0x0A]
                }
                // Sending and reading interleave inside `exchange`, so neither side's buffers can deadlock.
                let replies = try await client.exchange(bytes, replies: count, deadline: .seconds(90))
                #expect(replies.count == count)
                for (index, line) in replies.enumerated() {
                    let reply = try RPCResponse(line: line)
                    guard reply.id == .int(index) else {
                        Issue.record("reply \(index) has id \(reply.id)")
                        break
                    }
                    switch index % 4 {
                    case 0: #expect(reply.result?["pong"] == .bool(true))
                    case 1: #expect(reply.result?["total"] == .int(2))
                    case 2: #expect(reply.error?.code == .methodNotFound)
                    default: #expect(reply.error?.code == .invalidParams)
                    }
                }
            }
        }
    }

    // MARK: - Slow and half-closing clients

    @Test func slowClientSendingOneByteAtATime() async throws {
        try await TestServer.with { server in
            try await withBystander(server) {
                let client = try RawClient(socket: server.socket)
                defer { client.close() }
                let lines = [
                    #"{"id":1,"method":"series","params":{"indicator":"gdp"}}"#,
                    "{\"id\":2,\"method\":\"regions\",\"params\":{\"root\":\"上街区\"}}\r",
                    #"{"id":3,"method":"facts","params":{"year":true}}"#,
                ]
                let bytes: [UInt8] = lines.flatMap { Array($0.utf8) + [UInt8(0x0A)] }
                for byte in bytes {
                    try await client.send([byte], deadline: .seconds(5))
                    try await Task.sleep(for: .milliseconds(2))
                }
                let replies = try await (0..<3).asyncMap { _ in
                    try RPCResponse(line: try #require(try await client.readLine(deadline: .seconds(10))))
                }
                #expect(replies.map(\.id) == [.int(1), .int(2), .int(3)])
                #expect(replies[0].result?["total"] == .int(2))
                #expect(replies[1].result?["total"] == .int(2))
                #expect(replies[2].error?.code == .invalidParams)
            }
        }
    }

    @Test func halfClosingClientStillGetsItsReplies() async throws {
        try await TestServer.with { server in
            try await withBystander(server) {
                // `echo … | socat - UNIX-CONNECT:…` (docs/protocol.md) half-closes after its requests: the replies
                // must still arrive, then the server closes.
                for _ in 0..<3 {
                    let client = try RawClient(socket: server.socket)
                    defer { client.close() }
                    let requests = [
                        #"{"id":1,"method":"series","params":{"indicator":"gdp"}}"#,
                        #"{"id":2,"method":"summary","params":{"region":"来集镇"}}"#,
                        #"{"id":3,"method":"ping"}"#,
                    ]
                    try await client.send(Array((requests.joined(separator: "\n") + "\n").utf8), deadline: .seconds(5))
                    client.shutdownWrite()
                    var ids: [JSONValue] = []
                    for _ in 0..<3 {
                        guard let line = try await client.readLine(deadline: .seconds(10)) else { break }
                        let reply = try RPCResponse(line: line)
                        #expect(reply.result != nil, "\(line)")
                        ids.append(reply.id)
                    }
                    #expect(ids == [.int(1), .int(2), .int(3)])
                    #expect(try await client.readLine(deadline: .seconds(10)) == nil)
                }
                // A half-close in the middle of a line: nothing to answer, the connection just ends.
                let partial = try RawClient(socket: server.socket)
                defer { partial.close() }
                try await partial.send(Array(#"{"id":1,"method":"pi"#.utf8), deadline: .seconds(5))
                partial.shutdownWrite()
                #expect(try await partial.readLine(deadline: .seconds(10)) == nil)
            }
        }
    }
}

// MARK: - Cases

struct HostileCase {
    enum Expect {
        case parseError, invalidRequest, methodNotFound
        case invalidParams(String)
        case result, seriesGDP
    }

    let line: [UInt8]
    let expect: Expect
    /// The id text the reply must echo (for `.result` cases).
    let id: String?

    init(_ line: [UInt8], _ expect: Expect, id: String? = nil) {
        self.line = line
        self.expect = expect
        self.id = id
    }

    init(_ line: String, _ expect: Expect, id: String? = nil) {
        self.init(Array(line.utf8), expect, id: id)
    }

    var label: String { String(decoding: line.prefix(80), as: UTF8.self) }

    func check(_ reply: String, index: Int) throws {
        let response = try RPCResponse(line: reply)
        let context = Comment(rawValue: "case \(index) \(label): \(reply.prefix(300))")
        switch expect {
        case .parseError:
            #expect(response.error?.code == .parseError, context)
            #expect(response.id == .null, context)
        case .invalidRequest: #expect(response.error?.code == .invalidRequest, context)
        case .methodNotFound: #expect(response.error?.code == .methodNotFound, context)
        case .invalidParams(let param):
            #expect(response.error?.code == .invalidParams, context)
            #expect(response.error?.data?["param"] == .string(param), context)
        case .result:
            #expect(response.result != nil, context)
            if let id { #expect(reply.hasPrefix("{\"id\":\(id),"), context) }
        case .seriesGDP:
            #expect(response.id == .string("ok"), context)
            #expect(response.result?["total"] == .int(2), context)
        }
    }
}

/// Values of the wrong type (or out of range) for a parameter described by `describe`.
func wrongValues(for param: JSONValue) -> [String] {
    let huge = String(repeating: "7", count: 400)
    let common = ["{}", #"{"a":[1,{"b":null}]}"#]
    switch param["type"]?.stringValue ?? "" {
    case "string": return common + ["1", "true", "[]", #"["gdp"]"#, "1e999", huge]
    case "boolean": return common + [#""true""#, "1", "0", "[]", "1e999"]
    case "integer": return common + [#""1""#, "true", "1.5", "[]", "[1]", "1e999", "-" + huge, "-1"]
    case "string or array of strings": return common + ["1", "true", "[]", "[1]", #"["上街区",2]"#, "1e999", "[[]]"]
    default:  // an enumeration
        return common + ["1", "true", #""nope""#, "[]", #"["actual"]"#, #""""#]
    }
}

// MARK: - The bystander

/// Runs `body` while a well-behaved client asks `series gdp` on fresh connections every 20 ms and checks each answer;
/// then asks once more. At most 2,000 requests, each with a deadline.
func withBystander(_ server: TestServer, _ body: () async throws -> Void) async throws {
    let socket = server.socket
    let stop = StopFlag()
    let bystander = Task { () -> (good: Int, bad: [String]) in
        var good = 0
        var bad: [String] = []
        for _ in 0..<2_000 {
            if stop.isSet { break }
            do {
                let reply = try await withDeadline(.seconds(10)) {
                    try await ReportClient.withConnection(socket: socket) { connection in
                        try await connection.call("series", [("indicator", .string("gdp"))])
                    }
                }
                if reply.result?["total"] == .int(2) { good += 1 } else { bad.append("\(reply)") }
            } catch {
                bad.append("\(error)")
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return (good, bad)
    }
    do {
        try await body()
    } catch {
        stop.set()
        _ = await bystander.value
        throw error
    }
    stop.set()
    let outcome = await bystander.value
    #expect(outcome.bad.isEmpty, "bystander failures: \(outcome.bad.prefix(3))")
    #expect(outcome.good >= 1)
    #expect(try await server.result("series", ["indicator": "gdp"])["total"] == .int(2))
}

final class StopFlag: Sendable {
    private let flag = Mutex(false)
    var isSet: Bool { flag.withLock { $0 } }
    func set() { flag.withLock { $0 = true } }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async throws -> [T] {
        var values: [T] = []
        for element in self { values.append(try await transform(element)) }
        return values
    }
}

// MARK: - A raw, non-blocking socket client

/// A Unix-socket client on a non-blocking descriptor: sends arbitrary bytes, half-closes, and polls for reply lines
/// with `Task.sleep` between attempts, so it never blocks a concurrency thread and every wait has a deadline.
final class RawClient: @unchecked Sendable {
    private let fd: Int32
    private var pending: [UInt8] = []
    private var closed = false
    private var eof = false

    init(socket path: String) throws {
        fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawClientError("socket() failed") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8CString)
        guard bytes.count <= MemoryLayout.size(ofValue: address.sun_path) else {
            Glibc.close(fd)
            throw RawClientError("socket path too long")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in bytes.withUnsafeBytes { raw.copyMemory(from: $0) } }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            Glibc.close(fd)
            throw RawClientError("connect: \(String(cString: strerror(errno)))")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(fd)
    }

    func shutdownWrite() { _ = Glibc.shutdown(fd, Int32(SHUT_WR)) }

    /// Sends all of `bytes` (throws if the peer closed or the deadline passed).
    func send(_ bytes: [UInt8], deadline: Duration) async throws {
        let end = ContinuousClock.now + deadline
        var offset = 0
        while offset < bytes.count {
            let sent = trySend(bytes, from: offset)
            if sent < 0 { throw RawClientError("send: \(String(cString: strerror(errno)))") }
            offset += sent
            if sent == 0 {
                guard ContinuousClock.now < end else { throw DeadlineExceeded() }
                try await Task.sleep(for: .milliseconds(1))
            }
        }
    }

    /// The next line (without `\n`), or nil at end of stream.
    func readLine(deadline: Duration) async throws -> String? {
        let end = ContinuousClock.now + deadline
        while true {
            if let line = takeLine() { return line }
            if eof { return nil }
            if try receive() == 0 {
                guard ContinuousClock.now < end else { throw DeadlineExceeded() }
                try await Task.sleep(for: .milliseconds(1))
            }
        }
    }

    /// Waits until at least `bytes` bytes wait unread in the socket (peeked, not consumed).
    func waitUntilReadable(bytes: Int, deadline: Duration) async throws {
        let end = ContinuousClock.now + deadline
        var buffer = [UInt8](repeating: 0, count: bytes)
        while Glibc.recv(fd, &buffer, bytes, Int32(MSG_PEEK)) < bytes {
            guard ContinuousClock.now < end else { throw DeadlineExceeded() }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Sends `bytes` while reading replies, until `replies` lines arrived, end of stream or the deadline.
    func exchange(_ bytes: [UInt8], replies: Int, deadline: Duration) async throws -> [String] {
        let end = ContinuousClock.now + deadline
        var offset = 0
        var lines: [String] = []
        while lines.count < replies {
            var progressed = false
            if offset < bytes.count {
                let sent = trySend(bytes, from: offset)
                if sent < 0 { throw RawClientError("send: \(String(cString: strerror(errno)))") }
                offset += sent
                progressed = sent > 0
            }
            if try receive() > 0 { progressed = true }
            while let line = takeLine() { lines.append(line) }
            if eof { break }
            if !progressed {
                guard ContinuousClock.now < end else { throw DeadlineExceeded() }
                try await Task.sleep(for: .milliseconds(1))
            }
        }
        return lines
    }

    /// Bytes sent (0 when the socket buffer is full), or -1 on error.
    private func trySend(_ bytes: [UInt8], from offset: Int) -> Int {
        let count = min(bytes.count - offset, 1 << 16)
        let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, count, Int32(MSG_NOSIGNAL)) }
        if sent < 0 { return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1 }
        return sent
    }

    /// Bytes received into `pending` (0 when none are ready); sets `eof` at end of stream.
    private func receive() throws -> Int {
        guard !eof else { return 0 }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        let count = Glibc.recv(fd, &buffer, buffer.count, 0)
        if count == 0 {
            eof = true
            return 0
        }
        if count < 0 {
            if errno == EAGAIN || errno == EWOULDBLOCK { return 0 }
            if errno == ECONNRESET {
                eof = true
                return 0
            }
            throw RawClientError("recv: \(String(cString: strerror(errno)))")
        }
        pending += buffer[..<count]
        return count
    }

    private func takeLine() -> String? {
        guard let newline = pending.firstIndex(of: 0x0A) else { return nil }
        let line = String(decoding: pending[..<newline], as: UTF8.self)
        pending.removeSubrange(...newline)
        return line
    }
}

struct RawClientError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
