import Foundation
import Testing
import ZhibiaoModels
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
        let database = try TestDatabase.create()
        defer { database.drop() }
        try SeedFixture.load(into: database)
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
}
