import Foundation
import Testing
import ZhibiaoProtocol
import ZhibiaoReporting

/// Issue 13, item 3: a request line is parsed in time linear in its length, and its structure is capped. A line
/// with 90,000 distinct keys used to cost 20 s of CPU (every key compared with every key before it); four at once
/// froze the server.
@Suite("Request structure limits")
struct RequestLimitTests {
    @Test func repeatedKeysKeepTheirFirstPlaceAndTheLastValue() throws {
        let value = try JSONValue(parsing: #"{"a":1,"b":2,"a":3,"c":{"a":4,"a":5}}"#, limits: .request)
        #expect(value == .object([("a", 3), ("b", 2), ("c", .object([("a", 5)]))]))
    }

    @Test func ninetyThousandKeysFromFourClientsAreRefusedAndEveryConnectionLives() async throws {
        try await TestServer.with { server in
            try await withBystander(server) {
                // About 1 MB, under the line limit: {"id":1,"method":"ping","params":{"k0":0,"k1":0,…}}
                let keys = (0..<90_000).map { #""k\#($0)":0"# }.joined(separator: ",")
                let manyKeys = Array(#"{"id":1,"method":"ping","params":{"#.utf8) + Array(keys.utf8) + Array("}}".utf8)
                #expect(manyKeys.count < server.server.configuration.maxLineBytes)
                let manyElements =
                    Array(#"{"id":2,"method":"facts","params":{"region":["#.utf8)
                    + Array(Array(repeating: #""x""#, count: 10_001).joined(separator: ",").utf8) + Array("]}}".utf8)
                let ping = Array(#"{"id":3,"method":"ping"}"#.utf8)
                let socket = server.socket
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<4 {
                        group.addTask {
                            let client = try RawClient(socket: socket)
                            defer { client.close() }
                            let replies = try await client.exchange(
                                manyKeys + [0x0A] + manyElements + [0x0A] + ping + [0x0A], replies: 3,
                                deadline: .seconds(60))
                            try #require(replies.count == 3)
                            let keysError = try #require(try RPCResponse(line: replies[0]).error)
                            #expect(keysError.code == .parseError)
                            #expect(keysError.data?["limit"] == .string("object_members"))
                            #expect(keysError.data?["maximum"] == .int(1000))
                            let elementsError = try #require(try RPCResponse(line: replies[1]).error)
                            #expect(elementsError.code == .parseError)
                            #expect(elementsError.data?["limit"] == .string("array_elements"))
                            #expect(try RPCResponse(line: replies[2]).result?["pong"] == .bool(true))
                        }
                    }
                    try await group.waitForAll()
                }
            }
            let limits = try await server.result("describe")["limits"]
            #expect(limits?["max_object_members"] == .int(1000))
            #expect(limits?["max_array_elements"] == .int(10_000))
            #expect(limits?["max_depth"] == .int(64))
        }
    }
}

/// Issue 13, item 13 (reporting part): text parameters mean exactly what they say.
@Suite("Text parameters")
struct TextParameterTests {
    /// libpq cuts a parameter at a NUL: `q:"\u0000"` matched every fact. Any string parameter with a NUL is refused.
    @Test func aNulInAnyTextParameterIsInvalid() async throws {
        try await TestServer.with { server in
            for (method, param, value) in [
                ("facts", "q", JSONValue.string("\u{0}")),
                ("facts", "q", .string("增长\u{0}x")),
                ("facts", "region", .array(["上街区", "\u{0}"])),
                ("facts", "indicator", .string("gdp\u{0}")),
                ("documents", "q", .string("\u{0}")),
                ("document", "name", .string("\u{0}")),
            ] {
                let reply = try await server.call(method, [param: value])
                #expect(reply.error?.code == .invalidParams, "\(method) \(param): \(reply)")
                #expect(reply.error?.data?["param"] == .string(param), "\(method) \(param)")
            }
        }
    }

    /// `q` is a substring, not a LIKE pattern: `%` and `_` match only themselves.
    @Test func likeWildcardsInQMatchOnlyThemselves() async throws {
        try await TestServer.with { server in
            let admin = try server.database.connect()
            /// Facts holding `needle` literally (only those with an indicator unless `unindexed`).
            func stored(_ needle: String, unindexed: Bool) throws -> Int {
                try admin.query(
                    """
                    SELECT count(*) FROM reporting.facts
                    WHERE (strpos(label, $1) > 0 OR strpos(sentence, $1) > 0 OR strpos(evidence, $1) > 0)
                      AND ($2 OR indicator IS NOT NULL)
                    """, [needle, unindexed]
                ).first!.decode(Int.self, at: 0)
            }
            #expect(try await server.result("facts")["total"] == .int(67))
            #expect(try await server.result("facts", ["unindexed": true])["total"] == .int(368))
            for unindexed in [false, true] {
                for needle in ["%", "_", "\\", "7.07%", "同比_长", "%增长"] {
                    let found = try await server.result("facts", ["q": .string(needle), "unindexed": .bool(unindexed)])
                    #expect(
                        found["total"] == .int(try stored(needle, unindexed: unindexed)), "q \(needle) \(unindexed)")
                }
            }
            #expect(try stored("%", unindexed: false) < 67)
            #expect(try stored("%", unindexed: true) < 368)
            #expect(try await server.result("documents", ["q": "%"])["total"] == .int(0))
            #expect(try await server.result("documents", ["q": "0_3"])["total"] == .int(1))
            #expect(try await server.result("documents", ["q": "0%3"])["total"] == .int(0))
        }
    }
}
