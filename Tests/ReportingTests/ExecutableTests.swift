import Foundation
import Testing
import ZhibiaoProtocol
import ZhibiaoReporting
import ZhibiaoTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The real `zhibiao-report` binary: serve, query, refuse a live socket, replace a stale one, SIGTERM cleanup.
@Suite("zhibiao-report executable")
struct ExecutableTests {
    @Test func serveQueryAndStopOnSigterm() async throws {
        let binary = try Repository.executable("zhibiao-report")
        let database = try IngestedSeeds.database()
        defer { database.drop() }
        let socket = temporarySocketPath()
        // A stale socket file from a dead server: bound, then its owner went away.
        try await staleSocket(at: socket)
        let environment = [
            "ZHIBIAO_DATABASE_URL": database.target(loggedInAs: "zhibiao_reporting").description,
            "ZHIBIAO_SOCKET": socket,
        ]
        let server = try ChildProcess(
            binary, ["serve", "--socket-mode", "0600", "--row-cap", "5"],
            environment: environment)
        defer {
            server.signal(SIGKILL)
            server.wait()
        }
        try await eventually(.seconds(20)) {
            (try? await ReportClient.withConnection(socket: socket) { try await $0.call("ping") }) != nil
        }
        var info = stat()
        #expect(lstat(socket, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)

        let query = try Subprocess.run(
            binary,
            [
                "query", "series", "--param", "indicator=industrial_output",
                "--param", "region=峡窝镇",
            ], environment: environment)
        #expect(query.exitCode == 0, "\(query.stderr)")
        let reply = try RPCResponse(line: query.stdout.trimmingCharacters(in: .newlines))
        #expect(reply.result?.rows.first?["base_value"] == .number("4250000000"))
        #expect(reply.result?.rows.first?["stated_growth_pct"] == .number("7.07"))

        let capped = try Subprocess.run(
            binary, ["query", "facts", "--json", #"{"limit":100}"#], environment: environment)
        #expect(try RPCResponse(line: capped.stdout.trimmingCharacters(in: .newlines)).result?["limit"] == .int(5))

        let failing = try Subprocess.run(binary, ["query", "nope"], environment: environment)
        #expect(failing.exitCode == 1)
        let stdin = try Subprocess.run(
            binary, ["query"], environment: environment,
            input: Data("{\"id\":1,\"method\":\"ping\"}\n{\"id\":2,\"method\":\"regions\"}\n".utf8))
        #expect(stdin.exitCode == 0)
        #expect(stdin.stdout.split(separator: "\n").count == 2)
        let table = try Subprocess.run(
            binary, ["query", "targets", "--param", "year=2024", "--table"], environment: environment)
        #expect(table.stdout.contains("budget_revenue"))
        #expect(table.stdout.contains("(5 of 15 rows"))

        // A live server is never displaced.
        let second = try Subprocess.run(binary, ["serve"], environment: environment)
        #expect(second.exitCode != 0)
        #expect(second.stderr.contains("already listening"))

        server.signal(SIGTERM)
        let code = await Task.detached { server.wait() }.value
        #expect(code == 0)
        #expect(access(socket, F_OK) != 0)

        let invalid = try Subprocess.run(binary, ["serve", "--socket-mode", "999"], environment: environment)
        #expect(invalid.exitCode != 0)
        #expect(invalid.stderr.contains("--socket-mode"))
        let invalidEnv = try Subprocess.run(
            binary, ["serve"], environment: environment.merging(["ZHIBIAO_ROW_CAP": "0"]) { $1 })
        #expect(invalidEnv.stderr.contains("ZHIBIAO_ROW_CAP"))
    }

    /// Leaves a socket file nobody listens on (what a killed server leaves behind).
    private func staleSocket(at path: String) async throws {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (offset, byte) in path.utf8.enumerated() { raw[offset] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        #expect(bound == 0)
        close(fd)
        #expect(access(path, F_OK) == 0)
    }
}
