import Foundation
import Testing
import ZhibiaoProtocol
import ZhibiaoReporting
import ZhibiaoTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 13, item 5 (slowloris): the idle timeout used to restart on every byte, so four clients sending a byte a
/// second held every connection of a `--max-connections 4` server. A request line now has a deadline of its own,
/// and one user cannot hold every connection.
@Suite("Slow clients")
struct SlowClientTests {
    @Test func aLineTricklingInIsCutOffAtTheLineTimeout() async throws {
        try await TestServer.with({ $0.lineTimeout = .seconds(1) }) { server in
            let client = try RawClient(socket: server.socket)
            defer { client.close() }
            try await client.send(Array(#"{"id":1,"method":"ping"}"#.utf8) + [0x0A], deadline: .seconds(5))
            // Then a byte every 100 ms, for up to 10 s (the idle timeout, 300 s, never fires meanwhile).
            let trickle =
                Array(#"{"id":2,"method":"ping","params":{"padding":""#.utf8)
                + [UInt8](repeating: UInt8(ascii: "x"), count: 100)
            var sent = 0
            for byte in trickle {
                do { try await client.send([byte], deadline: .seconds(1)) } catch { break }
                sent += 1
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(sent < trickle.count, "the server never closed the trickling connection")
            let pong = try RPCResponse(line: try #require(try await client.readLine(deadline: .seconds(5))))
            #expect(pong.id == .int(1) && pong.result != nil)
            let cutOffLine = try #require(try await client.readLine(deadline: .seconds(5)))
            let cutOff = try #require(try RPCResponse(line: cutOffLine).error)
            #expect(cutOff.code == .lineTimeout)
            #expect(cutOff.data?["line_timeout_seconds"] == .int(1))
            #expect(try await client.readLine(deadline: .seconds(5)) == nil)
            // A line that arrives in pieces within the timeout is answered.
            let pieces = try RawClient(socket: server.socket)
            defer { pieces.close() }
            for piece in [#"{"id":3,"#, #""method":"#, #""ping"}"# + "\n"] {
                try await pieces.send(Array(piece.utf8), deadline: .seconds(5))
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(try RPCResponse(line: try #require(try await pieces.readLine(deadline: .seconds(5)))).id == .int(3))
        }
    }

    /// The real binary with `--max-connections 4`: four connections of this test's user get two slots (half of the
    /// connections, the default per-user share), and another user is still served.
    @Test(.enabled(if: getuid() == 0, "needs root to connect as another user"))
    func oneUserCannotHoldEveryConnection() async throws {
        let binary = try Repository.executable("zhibiao-report")
        let database = try IngestedSeeds.database()
        defer { database.drop() }
        let socket = temporarySocketPath()
        let environment = [
            "ZHIBIAO_DATABASE_URL": database.target(loggedInAs: "zhibiao_reporting").description,
            "ZHIBIAO_SOCKET": socket,
        ]
        let server = try ChildProcess(
            binary, ["serve", "--max-connections", "4", "--socket-mode", "0666"],
            environment: environment)
        defer {
            server.signal(SIGKILL)
            server.wait()
            unlink(socket)  // a killed server leaves its socket file
        }
        // The first connection that succeeds is the first of four (a probe closed before would race their count).
        var clients: [RawClient] = []
        defer { for client in clients { client.close() } }
        let ready = ContinuousClock.now + .seconds(20)
        while clients.isEmpty {
            if let client = try? RawClient(socket: socket) {
                clients.append(client)
                break
            }
            guard ContinuousClock.now < ready else { throw DeadlineExceeded() }
            try await Task.sleep(for: .milliseconds(50))
        }
        for _ in 1..<4 { clients.append(try RawClient(socket: socket)) }
        var replies: [RPCResponse] = []
        for client in clients {
            // A refused connection may already be closed: its reply is waiting all the same.
            try? await client.send(Array(#"{"id":1,"method":"ping"}"#.utf8) + [0x0A], deadline: .seconds(5))
            replies.append(try RPCResponse(line: try #require(try await client.readLine(deadline: .seconds(10)))))
        }
        #expect(replies.filter { $0.result?["pong"] == .bool(true) }.count == 2)
        let refusals = replies.compactMap(\.error)
        #expect(refusals.count == 2)
        #expect(
            refusals.allSatisfy { $0.code == .tooManyConnections && $0.data?["max_connections_per_uid"] == .int(2) })

        // uid 65534 (nobody) still gets in while this user's two connections stay open.
        let other = try Subprocess.run(
            "/usr/bin/setpriv",
            ["--reuid=65534", "--regid=65534", "--clear-groups", "--", binary, "query", "ping", "--socket", socket])
        #expect(other.exitCode == 0, "\(other.stderr)")
        #expect(try RPCResponse(line: other.stdout.trimmingCharacters(in: .newlines)).result?["pong"] == .bool(true))
    }
}
