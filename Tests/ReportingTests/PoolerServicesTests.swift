import Foundation
import Testing
import ZhibiaoProtocol
import ZhibiaoPostgres
import ZhibiaoReporting
import ZhibiaoTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Both services through a real pgbouncer in transaction pooling mode (Debian's 1.18), with server-side prepared
/// statements off: two ingest daemons share two server sessions, and the reporting server, whose LISTEN holds no
/// server session there, learns of their facts by polling the generation.
@Suite("Both services behind pgbouncer")
struct PoolerServicesTests {
    @Test func twoIngestDaemonsAndTheReportingServerThroughPgbouncer() async throws {
        let database = try TestDatabase.create()
        defer { database.drop() }
        let bouncer = try Pgbouncer(serverSessions: 2)
        defer { bouncer.stop() }
        let reference = try IngestedSeeds.database()
        defer { reference.drop() }

        let server = try await TestServer.start(database) {
            $0.database = bouncer.target(database, user: "zhibiao_reporting")
            $0.freshnessPoll = .milliseconds(100)
        }
        let empty = try await server.result("regions")
        #expect(empty["total"] == .int(0))

        let binary = try Repository.executable("zhibiao-ingest")
        let url = bouncer.target(database, user: "zhibiao_ingest").description
        let environment = ["ZHIBIAO_PREPARED_STATEMENTS": "off"]
        let submitted = try Subprocess.run(
            binary, ["submit", "--database-url", url, Repository.path("seeds")], environment: environment)
        #expect(submitted.exitCode == 0, "\(submitted.stderr)")
        let daemons = try (1...2).map { _ in
            try ChildProcess(binary, ["serve", "--once", "--workers", "2", "--batch-size", "2", "--database-url", url],
                             environment: environment)
        }
        for daemon in daemons {
            let code = await Task.detached { daemon.wait() }.value
            #expect(code == 0, "\(daemon.stderr)")
            #expect(!daemon.stderr.contains("prepared statement"), "\(daemon.stderr)")
        }

        // The same rows as the seeds ingested directly, and the reporting server's answers follow.
        let owner = try database.connect()
        let direct = try reference.connect()
        for sql in [
            "SELECT count(*) FROM zhibiao.ingest_queue WHERE state = 'done'", "SELECT count(*) FROM zhibiao.facts",
            "SELECT count(*) FROM zhibiao.consolidated",
        ] {
            let count = try owner.query(sql).first?.decode(Int.self, at: 0)
            #expect(count == (try direct.query(sql).first?.decode(Int.self, at: 0)), "\(sql)")
        }
        let regions = try direct.query("SELECT count(*) FROM reporting.regions").first!.decode(Int.self, at: 0)
        try await eventually { (try? await server.result("regions"))?["total"] == .int(regions) }
        let series = try await server.result("series", ["indicator": "gdp"])
        #expect(series["total"]?.intValue ?? 0 > 0)
        #expect(series["total"]?.intValue == (try direct.query(
            "SELECT count(*) FROM reporting.series WHERE indicator = 'gdp'").first!.decode(Int.self, at: 0)))
        try await server.stop()
    }
}
