import Foundation
import Testing
import ZhibiaoProtocol
import ZhibiaoReporting
import ZhibiaoTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 13, items 6 and 7: the socket file belongs to the server that created it, and a graceful shutdown keeps a
/// deadline whatever the clients do.
@Suite("Socket ownership and shutdown")
struct SocketAndShutdownTests {
    /// The path changes hands while the old server still runs (a mistaken stale-socket cleanup, an operator); the
    /// old one stopping must not delete the newer server's socket, which NIO's close used to unlink.
    @Test func stoppingAnOldServerLeavesTheNewerServersSocket() async throws {
        let database = try IngestedSeeds.database()
        defer { database.drop() }
        let path = temporarySocketPath()
        let old = try await TestServer.start(database) { $0.socketPath = path }
        #expect(unlink(path) == 0)
        let new: TestServer
        do {
            new = try await TestServer.start(database) { $0.socketPath = path }
        } catch {
            try? await old.stop()
            throw error
        }
        try await old.stop()
        #expect(access(path, F_OK) == 0, "the old server removed the newer server's socket")
        #expect(try await new.call("ping").result?["pong"] == .bool(true))
        try await new.stop()
        #expect(access(path, F_OK) != 0, "a server removes its own socket")
    }

    /// A client pipelines requests with large replies and never reads them: the server's write blocks. SIGTERM used
    /// to wait for that connection until the idle timeout (299 s); now it waits the shutdown timeout, then closes.
    @Test func shutdownClosesAClientThatNeverReadsAtTheDeadline() async throws {
        let database = try IngestedSeeds.database()
        defer { database.drop() }
        let server = try await TestServer.start(database) { $0.shutdownTimeout = .seconds(1) }
        let client = try RawClient(socket: server.socket)
        defer { client.close() }
        do {
            // 200 replies of all 67 facts, some 40 KB each: far more than the socket buffers hold.
            let request = Array(#"{"id":1,"method":"facts"}"#.utf8) + [0x0A]
            try await client.send(Array((0..<200).map { _ in request }.joined()), deadline: .seconds(10))
            // The server answers until its writes block on the full buffers; the client reads nothing.
            try await client.waitUntilReadable(bytes: 100_000, deadline: .seconds(20))
        } catch {
            try? await server.stop()
            throw error
        }
        try await server.stop()  // fails after 20 s: the test deadline, well before the 300 s idle timeout
        // Whatever the buffers held, then the end of the connection.
        var lines = 0
        while try await client.readLine(deadline: .seconds(10)) != nil { lines += 1 }
        #expect(lines < 200)
    }
}
