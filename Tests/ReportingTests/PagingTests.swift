import Foundation
import Testing
import ZhibiaoProtocol
import ZhibiaoReporting

/// Issue 13, items 4 and 9: every list pages by cursor (keyset) as well as by a bounded offset, `document` pages its
/// facts, and neither the result cache nor a reply grows without bound.
@Suite("Paging and reply limits")
struct PagingTests {
    /// Follows `next_cursor` from the first page of `limit` rows to the last.
    private func pagesByCursor(
        _ server: TestServer, _ method: String, _ params: [(String, JSONValue)], limit: Int
    ) async throws -> [JSONValue] {
        var rows: [JSONValue] = []
        var cursor: JSONValue?
        for _ in 0..<100 {
            let pairs = params + [("limit", .int(limit))] + (cursor.map { [("cursor", $0)] } ?? [])
            let reply = try await ReportClient.withConnection(socket: server.socket) {
                try await $0.call(method, pairs)
            }
            let page = try #require(reply.result, "\(method): \(reply)")
            #expect(page.rows.count <= limit)
            if cursor != nil {
                #expect(page["offset"] == .null && page["next_offset"] == .null, "\(method)")
            }
            rows += page.rows
            guard let next = page["next_cursor"], next != .null else { return rows }
            cursor = next
        }
        Issue.record("\(method): more than 100 pages")
        return rows
    }

    @Test func everyListPagesByCursorAsByOneWholePage() async throws {
        try await TestServer.with { server in
            let lists: [(String, [(String, JSONValue)])] = [
                ("regions", []), ("regions", [("unindexed", true)]), ("indicators", []), ("facts", []),
                ("facts", [("region", "上街区")]), ("facts", [("region", "峡窝镇"), ("unindexed", true)]),
                ("facts", [("measure", "added")]),
                // Level and added series of one region; flow indicators' series, whose measure is null, with two
                // years in one region (a cursor there compares a null measure).
                ("series", [("indicator", "high_tech_enterprises")]),
                ("series", [("indicator", "signed_projects")]), ("series", [("indicator", "green_area_added")]),
                ("compare", [("indicator", "high_tech_enterprises"), ("year", 2023)]),
                ("compare", [("indicator", "specialized_enterprises"), ("year", 2022), ("measure", "added")]),
                ("targets", []), ("summary", []), ("summary", [("unindexed", true)]), ("documents", []),
                ("documents", [("unindexed", true)]),
            ]
            for (method, params) in lists {
                let whole = try await ReportClient.withConnection(socket: server.socket) {
                    try await $0.call(method, params)
                }
                let all = try #require(whole.result, "\(method)")
                #expect(all["next_cursor"] == .null)
                #expect(all.rows.count >= 2 && all["total"] == .int(all.rows.count), "\(method) \(params)")
                for limit in [1, 2] {
                    #expect(
                        try await pagesByCursor(server, method, params, limit: limit) == all.rows,
                        "\(method) \(params) by \(limit)")
                }
                // A first page by offset says where the next one starts, both ways.
                let first = try await ReportClient.withConnection(socket: server.socket) {
                    try await $0.call(method, params + [("limit", 1)])
                }
                #expect(first.result?["next_offset"] == .int(1), "\(method)")
                #expect(first.result?["next_cursor"]?.stringValue != nil, "\(method)")
            }
        }
    }

    @Test func cursorsAndOffsetsAreChecked() async throws {
        try await TestServer.with({ $0.maxOffset = 10 }) { server in
            let page = try await server.result("facts", ["limit": 5])
            let cursor = try #require(page["next_cursor"])
            #expect(cursor.stringValue != nil)
            let both = try await server.call("facts", ["cursor": cursor, "offset": 5])
            #expect(both.error?.code == .invalidParams && both.error?.data?["param"] == .string("offset"))
            for bad: JSONValue in ["nonsense", "W10", "WzEsMiwiMyJd", ""] {  // "[]", [1,2,"3"]
                let reply = try await server.call("facts", ["cursor": bad])
                #expect(
                    reply.error?.code == .invalidParams && reply.error?.data?["param"] == .string("cursor"), "\(bad)")
            }
            // A cursor of another list does not fit.
            let regions = try await server.call("regions", ["cursor": cursor])
            #expect(regions.error?.code == .invalidParams && regions.error?.data?["param"] == .string("cursor"))
            // Offsets stay, up to the bound; deeper pages are the cursor's.
            #expect(try await server.result("facts", ["offset": 10, "limit": 1]).rows.count == 1)
            let deep = try await server.call("facts", ["offset": 11])
            #expect(deep.error?.code == .invalidParams && deep.error?.data?["param"] == .string("offset"))
            #expect(try await server.result("describe")["limits"]?["max_offset"] == .int(10))
        }
    }

    /// A page past the end (or of an empty list, or of `limit: 0`) still says how long the list is, also when a parameter is used
    /// only by the answer's columns (`unindexed` on `regions` chooses what `facts` counts).
    @Test func aPagePastTheEndCountsTheList() async throws {
        try await TestServer.with { server in
            for unindexed in [false, true] {
                let past = try await server.result("regions", ["offset": 20, "unindexed": .bool(unindexed)])
                #expect(past["total"] == .int(12) && past.rows.isEmpty && past["next_offset"] == .null)
                // `limit: 0` asks for the count alone.
                let counted = try await server.result("regions", ["limit": 0, "unindexed": .bool(unindexed)])
                #expect(counted["total"] == .int(12) && counted.rows.isEmpty && counted["next_offset"] == .null)
                let none = try await server.result(
                    "regions", ["root": "登封市", "level": "township", "unindexed": .bool(unindexed)])
                #expect(none["total"] == .int(0) && none.rows.isEmpty)
                let facts = try await server.result(
                    "document", ["name": "004_cb355fd960d97158.txt", "offset": 100, "unindexed": .bool(unindexed)])
                #expect(facts["facts_page"]?["total"] == .int(unindexed ? 80 : 25))
            }
        }
    }

    /// `document` returned every fact of a document in one line (84 MB for 149k facts); it pages them like `facts`.
    @Test func documentFactsArePagedLikeEveryList() async throws {
        try await TestServer.with { server in
            let name: JSONValue = "004_cb355fd960d97158.txt"
            let first = try await server.result("document", ["name": name, "limit": 10])
            #expect(first["facts"]?.arrayValue?.count == 10)
            #expect(first["facts_page"]?["total"] == .int(25))
            #expect(first["facts_page"]?["next_offset"] == .int(10))
            // A newspaper page: its articles as the engine read them.
            #expect(first["articles"]?.arrayValue?.count == 11)
            let id = try #require(first["document"]?["id"])
            let all = try await server.result("facts", ["document": id])
            #expect(all["total"] == .int(25))

            var facts = first["facts"]?.arrayValue ?? []
            var cursor = try #require(first["facts_page"]?["next_cursor"])
            while cursor != .null {
                let next = try await server.result("document", ["name": name, "limit": 10, "cursor": cursor])
                facts += next["facts"]?.arrayValue ?? []
                cursor = next["facts_page"]?["next_cursor"] ?? .null
            }
            #expect(facts == all.rows)
            // The cursor is the same as `facts`' with `document`.
            let fromFacts = try await server.result(
                "facts",
                [
                    "document": id, "limit": 15, "cursor": try #require(first["facts_page"]?["next_cursor"]),
                ])
            #expect(fromFacts.rows == Array(all.rows[10...]))

            // With `unindexed`, the pages hold every fact of the document, as `facts` with `unindexed` does.
            let everything = try await server.result("facts", ["document": id, "unindexed": true])
            #expect(everything["total"] == .int(80))
            var pages: [JSONValue] = []
            var next: JSONValue? = nil
            repeat {
                var params: [(String, JSONValue)] = [("name", name), ("limit", 30), ("unindexed", true)]
                if let next { params.append(("cursor", next)) }
                let page = try await ReportClient.withConnection(socket: server.socket) { [params] in
                    try await $0.call("document", params)
                }
                let result = try #require(page.result)
                #expect(result["facts_page"]?["total"] == .int(80))
                pages += result["facts"]?.arrayValue ?? []
                next = result["facts_page"]?["next_cursor"].flatMap { $0 == .null ? nil : $0 }
            } while next != nil
            #expect(pages == everything.rows)
            #expect(pages.contains { $0["indicator"] == .null })
        }
    }

    @Test func aReplyOverTheCapIsAnErrorAndTheConnectionLives() async throws {
        try await TestServer.with({ $0.maxReplyBytes = 8192 }) { server in
            let replies = try await server.exchange([
                #"{"id":1,"method":"facts"}"#, #"{"id":2,"method":"facts","params":{"limit":2}}"#,
                #"{"id":3,"method":"document","params":{"id":5}}"#, #"{"id":4,"method":"ping"}"#,
            ]).map { try RPCResponse(line: try #require($0)) }
            let tooLarge = try #require(replies[0].error)
            #expect(tooLarge.code == .replyTooLarge)
            #expect(tooLarge.data?["max_reply_bytes"] == .int(8192))
            #expect((tooLarge.data?["reply_bytes"]?.intValue ?? 0) > 8192)
            #expect(replies[1].result?.rows.count == 2)
            #expect(replies[2].error?.code == .replyTooLarge)
            #expect(replies[3].result?["pong"] == .bool(true))
            #expect(try await server.result("document", ["id": 5, "limit": 3])["facts"]?.arrayValue?.count == 3)
        }
    }

    /// 4,090 distinct queries took the server from 45 MB to 830 MB: the cache counted entries, not bytes.
    @Test func theResultCacheKeepsToItsByteBudget() async throws {
        let budget = 32 << 10
        try await TestServer.with({ $0.cacheBytes = budget }) { server in
            var sizes = 0
            for limit in 1...40 {  // 40 distinct answers, from under 1 KB to about 25 KB
                let line = try await server.exchange([#"{"id":1,"method":"facts","params":{"limit":\#(limit)}}"#])[0]
                sizes += try #require(line).utf8.count
                let usage = await server.server.cacheUsage
                #expect(usage.bytes <= budget, "after \(limit) answers: \(usage)")
            }
            #expect(sizes > 10 * budget)
            let usage = await server.server.cacheUsage
            #expect(usage.entries >= 1 && usage.entries < 40)
        }
    }
}
