import Foundation
import NIOCore
import Testing
import ZhibiaoProtocol
import ZhibiaoReporting

/// One case per protocol error, limits, pipelining and a flood of clients (systemd's varlink tests, roughly).
@Suite("Line protocol")
struct ProtocolTests {
    private func error(_ line: String?) throws -> RPCError? {
        try RPCResponse(line: try #require(line)).error
    }

    @Test func errorsForBadRequests() async throws {
        try await TestServer.with { server in
            let replies = try await server.exchange([
                "{not json",
                "[1,2]",
                #"{"id":7,"method":42}"#,
                #"{"id":8,"method":"nope"}"#,
                #"{"id":9,"method":"series"}"#,
                #"{"id":10,"method":"series","params":{"indicator":5}}"#,
                #"{"id":11,"method":"facts","params":{"year":"2023"}}"#,
                #"{"id":12,"method":"facts","params":{"colour":"red"}}"#,
                #"{"id":13,"method":"series","params":{"indicator":"no_such"}}"#,
                #"{"id":14,"method":"facts","params":{"limit":-1}}"#,
                #"{"id":"s","method":"ping","params":[1]}"#,
                #"{"id":15,"method":"ping"}"#,
            ])
            let parse = try #require(try error(replies[0]))
            #expect(parse.code == .parseError)
            #expect(try RPCResponse(line: replies[0]!).id == .null)
            #expect(try error(replies[1])?.code == .invalidRequest)
            #expect(try error(replies[2])?.code == .invalidRequest)
            #expect(try RPCResponse(line: replies[2]!).id == .int(7))
            #expect(try error(replies[3])?.code == .methodNotFound)
            for (index, param) in [
                (4, "indicator"), (5, "indicator"), (6, "year"), (7, "colour"), (8, "indicator"),
                (9, "limit"),
            ] {
                let failure = try #require(try error(replies[index]))
                #expect(failure.code == .invalidParams, "reply \(index): \(failure)")
                #expect(failure.data?["param"] == .string(param), "reply \(index)")
            }
            #expect(try error(replies[10])?.code == .invalidRequest)
            #expect(try RPCResponse(line: replies[11]!).result == .object([("pong", .bool(true))]))
        }
    }

    @Test func pipelinedRepliesComeInOrder() async throws {
        try await TestServer.with { server in
            let methods = ["series", "ping", "facts", "regions", "ping", "summary", "document", "describe"]
            let lines = methods.enumerated().map { index, method -> String in
                let params: String =
                    switch method {
                    case "series": #"{"indicator":"gdp"}"#
                    case "document": #"{"id":1}"#
                    default: "{}"
                    }
                return #"{"id":\#(index),"method":"\#(method)","params":\#(params)}"#
            }
            let replies = try await server.exchange(lines + lines)
            let ids = try replies.map { try RPCResponse(line: try #require($0)).id }
            #expect(ids == (0..<methods.count).map { JSONValue.int($0) } + (0..<methods.count).map { .int($0) })
            #expect(try replies.allSatisfy { try RPCResponse(line: $0!).error == nil })
        }
    }

    @Test func overlongLineGetsAnErrorThenTheConnectionCloses() async throws {
        try await TestServer.with({ $0.maxLineBytes = 1024 }) { server in
            try await ReportClient.withConnection(socket: server.socket) { connection in
                try await connection.send(#"{"id":1,"method":"ping"}"#)
                try await connection.send(
                    #"{"id":2,"method":"ping","params":{"x":""# + String(repeating: "a", count: 5000) + "\"}}")
                let first = try await connection.readLine()
                #expect(try RPCResponse(line: try #require(first)).id == .int(1))
                let second = try await connection.readLine()
                let secondLine = try #require(second)
                let failure = try #require(try RPCResponse(line: secondLine).error)
                #expect(failure.code == .lineTooLong)
                #expect(failure.data?["max_line_bytes"] == .int(1024))
                #expect(try await connection.readLine() == nil)
            }
            // The server goes on serving.
            #expect(try await server.result("ping")["pong"] == .bool(true))
        }
    }

    @Test func binaryGarbageIsAParseErrorAndTheConnectionLivesOn() async throws {
        try await TestServer.with { server in
            try await ReportClient.withConnection(socket: server.socket) { connection in
                try await connection.sendRaw([0xFF, 0xFE, 0x00, 0x01, 0x9C, 0x80, 0x7B, 0x22, 0xC3, 0x28, 0x0A])
                try await connection.sendRaw(Array(#"{"id":"\#u{00e9}","method":"ping"}"#.utf8) + [0x0A])
                try await connection.sendRaw(
                    Array(#"{"id":1,"method":"ping","params":{"a":"\#u{FF}"}}"#.utf8) + [0xFF, 0x0A])
                let garbage = try RPCResponse(line: try #require(try await connection.readLine()))
                #expect(garbage.error?.code == .parseError)
                let ping = try RPCResponse(line: try #require(try await connection.readLine()))
                #expect(ping.id == .string("é"))
                #expect(ping.result != nil)
                let trailing = try RPCResponse(line: try #require(try await connection.readLine()))
                #expect(trailing.error?.code == .parseError)
            }
        }
    }

    @Test func clientLeavingMidRequestDoesNotHurtOthers() async throws {
        try await TestServer.with { server in
            for _ in 0..<5 {
                try await ReportClient.withConnection(socket: server.socket) { connection in
                    try await connection.sendRaw(Array(#"{"id":1,"method":"fac"#.utf8))
                }
                // A full request whose reply nobody reads.
                try await ReportClient.withConnection(socket: server.socket) { connection in
                    try await connection.send(#"{"id":1,"method":"facts"}"#)
                }
            }
            #expect(try await server.result("series", ["indicator": "gdp"])["total"] == .int(2))
        }
    }

    @Test func hundredConcurrentClients() async throws {
        try await TestServer.with({ $0.maxConnections = 200 }) { server in
            let socket = server.socket
            let answers = try await withThrowingTaskGroup(of: JSONValue?.self) { group in
                for index in 0..<100 {
                    group.addTask {
                        try await ReportClient.withConnection(socket: socket) { connection in
                            let method = index.isMultiple(of: 2) ? "series" : "targets"
                            let params: [(String, JSONValue)] =
                                index.isMultiple(of: 2)
                                ? [("indicator", "industrial_output")] : [("region", "上街区")]
                            return try await connection.call(method, params).result?["total"]
                        }
                    }
                }
                var answers: [JSONValue?] = []
                for try await answer in group { answers.append(answer) }
                return answers
            }
            #expect(answers.count == 100)
            #expect(answers.filter { $0 == .int(1) }.count == 50)
            #expect(answers.filter { $0 == .int(15) }.count == 50)
        }
    }

    @Test func connectionsBeyondTheLimitAreTurnedAway() async throws {
        try await TestServer.with({ $0.maxConnections = 2 }) { server in
            let socket = server.socket
            try await ReportClient.withConnection(socket: socket) { first in
                _ = try await first.call("ping")
                try await ReportClient.withConnection(socket: socket) { second in
                    _ = try await second.call("ping")
                    // Turned away: the -32001 reply then the close, or, when the server is quicker than this
                    // client's channel set-up, a channel that is already closed.
                    do {
                        try await ReportClient.withConnection(socket: socket) { third in
                            let line = try await third.readLine()
                            #expect(try RPCResponse(line: try #require(line)).error?.code == .tooManyConnections)
                            #expect(try await third.readLine() == nil)
                        }
                    } catch ChannelError.ioOnClosedChannel {}
                }
            }
            try await eventually { try await server.call("ping").result != nil }
        }
    }

    /// A client that connects and says nothing is disconnected by the idle timeout (nothing else closes it), and
    /// the server goes on serving. No request is sent first: on a loaded machine it could itself arrive after
    /// the timeout, which made this test race.
    @Test func idleConnectionsAreClosed() async throws {
        try await TestServer.with({ $0.idleTimeout = .milliseconds(300) }) { server in
            let line = try await ReportClient.withConnection(socket: server.socket) { connection in
                try await connection.readLine()
            }
            #expect(line == nil)
            let pong = try await ReportClient.withConnection(socket: server.socket) { try await $0.call("ping") }
            #expect(pong.result != nil)
        }
    }
}
