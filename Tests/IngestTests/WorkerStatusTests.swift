import Foundation
import Testing
import ZhibiaoIngest
import ZhibiaoTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// `status` shows the daemons at work (host, pid, since, messages done, last seen), says when none is, and
/// `status --metrics` reads a running daemon's counters.
@Suite("running daemons in status")
struct WorkerStatusTests {
    @Test func statusShowsTheRunningDaemonItsCountsAndWhenItIsGone() async throws {
        let fixture = try IngestFixture()
        defer { fixture.drop() }
        #expect(try fixture.run(["status"]).stdout.contains("workers: no worker is running"))
        let folder = try VariedDocuments.write(count: 3)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(try fixture.run(["submit", folder]).exitCode == 0)

        let daemon = try fixture.serve(["--workers", "2"])
        defer {
            daemon.signal(SIGKILL)
            daemon.wait()
        }
        let name = "\(ProcessInfo.processInfo.hostName):\(daemon.pid)"
        try await eventually("the daemon's heartbeat counts the three documents") {
            let status = try fixture.run(["status", "--json"])
            let object = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
            let daemons = object?["daemons"] as? [[String: Any]] ?? []
            let counters = daemons.first { $0["name"] as? String == name }?["counters"] as? [String: Int]
            return counters?["zhibiao_ingest_messages_done_total"] == 3
        }
        let text = try fixture.run(["status"]).stdout
        #expect(text.contains("workers: 1 daemon running"), "\(text)")
        #expect(text.contains("\(ProcessInfo.processInfo.hostName) pid \(daemon.pid): 2 workers since "), "\(text)")
        #expect(text.contains("3 messages done (0 failed, 0 discarded), last seen "), "\(text)")
        let metrics = try fixture.run(["status", "--metrics"]).stdout
        #expect(metrics.contains("zhibiao_ingest_messages_done_total{daemon=\"\(name)\"} 3"), "\(metrics)")
        #expect(metrics.contains("zhibiao_ingest_facts_written_total{daemon=\"\(name)\"} "), "\(metrics)")
        #expect(metrics.contains("zhibiao_ingest_daemons_running 1.0"), "\(metrics)")

        // SIGKILL: its session ends with it, and status says so at once, not when the heartbeat has aged.
        daemon.signal(SIGKILL)
        daemon.wait()
        try await eventually("status sees the killed daemon gone", timeout: .seconds(10)) {
            try fixture.run(["status"]).stdout.contains("workers: no worker is running")
        }
        let after = try fixture.run(["status"]).stdout
        #expect(after.contains("stopped without shutting down (killed or cut off): "), "\(after)")
        #expect(after.contains("pid \(daemon.pid)"))
        #expect(try fixture.run(["status", "--metrics"]).stdout.contains("zhibiao_ingest_daemons_running 0.0"))

        // The next daemon tidies the dead one's row away, and its own goes with a clean stop.
        let next = try fixture.serve()
        try await eventually("the next daemon runs") {
            try fixture.run(["status"]).stdout.contains("workers: 1 daemon running")
        }
        next.signal(SIGTERM)
        #expect(next.wait() == 0, "\(next.stderr)")
        #expect(try fixture.scalar("SELECT count(*) FROM zhibiao.ingest_daemons", Int.self) == 0)
        let stopped = try fixture.run(["status"]).stdout
        #expect(stopped.contains("workers: no worker is running") && !stopped.contains("stopped without"))
    }
}
