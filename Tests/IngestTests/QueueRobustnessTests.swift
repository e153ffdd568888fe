import Foundation
import Testing
import ZhibiaoIngest
import ZhibiaoPostgres
import ZhibiaoTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The queue's guarantees with real processes: crash, concurrency, poison, server restart. Serialized: each runs
/// hundreds of documents through daemons, and the machine has two cores.
@Suite("queue robustness", .serialized)
struct QueueRobustnessTests {
    static let documents = 500

    @Test func killMinus9MidRunThenRestartIngestsEveryDocumentOnce() async throws {
        let fixture = try IngestFixture()
        defer { fixture.drop() }
        let folder = try VariedDocuments.write(count: Self.documents)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let expectedFacts = try VariedDocuments.expectedFacts(count: Self.documents)
        #expect(try fixture.run(["submit", folder]).exitCode == 0)

        // One worker and a tight poll, so that the kill lands early in the run however fast the machine is.
        let daemon = try fixture.serve(["--workers", "1"])
        do {
            try holdUntil("the daemon is mid-run") { try fixture.doneCount() >= 5 }
        } catch {
            daemon.signal(SIGKILL)
            daemon.wait()
            throw error
        }
        daemon.signal(SIGKILL)
        #expect(daemon.wait() == 128 + SIGKILL)
        let doneAtKill = try fixture.doneCount()
        #expect(doneAtKill < Self.documents, "the kill came too late to test anything")

        // Restart: the dead workers' messages are taken over after the claim grace, and the queue drains.
        let restarted = try fixture.run(["serve", "--once", "--workers", "3", "--claim-grace", "0.5"])
        #expect(restarted.exitCode == 0, "\(restarted.stderr)")
        try fixture.expectExactlyOnce(documents: Self.documents, expectedFacts: expectedFacts)
        #expect(
            try fixture.scalar(
                "SELECT count(*) FROM zhibiao.ingest_queue WHERE state <> 'done'", Int.self) == 0)
    }

    /// Time travel (River's and graphile-worker's crash tests): claims whose workers "died" a minute ago.
    @Test func deadWorkersMessagesAreTakenOverAndACrashLoopEndsDiscarded() throws {
        let fixture = try IngestFixture()
        defer { fixture.drop() }
        let folder = try VariedDocuments.write(count: 3)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(try fixture.run(["submit", "--max-attempts", "3", folder]).exitCode == 0)
        // doc0: its worker died during attempt 1. doc1: during its last attempt, as a report that kills the worker
        // every time would leave it; the attempt was counted before the work, so it must not run a fourth time.
        try fixture.connection.query(
            """
            UPDATE zhibiao.ingest_queue SET state = 'running', locked_by = 'dead-host:1/1',
                   locked_at = now() - interval '1 minute',
                   attempt = CASE source_name WHEN 'doc0.txt' THEN 1 ELSE 3 END
            WHERE source_name IN ('doc0.txt', 'doc1.txt')
            """)
        let served = try fixture.run(["serve", "--once"])
        #expect(served.exitCode == 0, "\(served.stderr)")

        let rows = try fixture.connection.query(
            """
            SELECT source_name, state, attempt, jsonb_array_length(errors), errors->0->>'worker', errors->0->>'error'
            FROM zhibiao.ingest_queue ORDER BY source_name
            """)
        let outcome = try rows.map { row in
            "\(try row.decode(String.self, at: 0)) \(try row.decode(String.self, at: 1)) "
                + "attempt=\(try row.decode(Int.self, at: 2)) errors=\(try row.decode(Int.self, at: 3))"
        }
        #expect(
            outcome == [
                "doc0.txt done attempt=2 errors=1", "doc1.txt discarded attempt=3 errors=1",
                "doc2.txt done attempt=1 errors=0",
            ])
        #expect(try rows[0].decode(String?.self, at: 4) == "dead-host:1/1")
        #expect(try rows[1].decode(String?.self, at: 5)?.contains("worker stopped") == true)
        #expect(try fixture.scalar("SELECT count(*) FROM zhibiao.documents", Int.self) == 2)
    }

    @Test func twoDaemonsAtOnceProcessEachDocumentOnce() async throws {
        let fixture = try IngestFixture()
        defer { fixture.drop() }
        let folder = try VariedDocuments.write(count: Self.documents)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let expectedFacts = try VariedDocuments.expectedFacts(count: Self.documents)

        // Both daemons connected (a listener and two workers each) and waiting before the documents arrive, so that
        // neither can drain the queue before the other has started.
        let daemons = try (0..<2).map { _ in try fixture.serve(["--workers", "2"]) }
        do {
            try holdUntil("both daemons are connected") {
                try fixture.scalar(
                    """
                    SELECT count(*) FROM pg_stat_activity
                    WHERE datname = current_database() AND application_name = 'zhibiao-ingest serve'
                    """, Int.self) == 6
            }
            #expect(try fixture.run(["submit", folder]).exitCode == 0)
            try holdUntil("every document is done") { try fixture.doneCount() == Self.documents }
        } catch {
            for daemon in daemons {
                daemon.signal(SIGKILL)
                daemon.wait()
            }
            throw error
        }
        for daemon in daemons { daemon.signal(SIGTERM) }
        let codes = daemons.map { $0.wait() }
        #expect(codes == [0, 0], "\(daemons.map(\.stderr))")
        try fixture.expectExactlyOnce(documents: Self.documents, expectedFacts: expectedFacts)
        // "Processed" as the daemons saw it: one `ingested document` event per document across both.
        let ingested = daemons.map { $0.stderr.components(separatedBy: "ingested document").count - 1 }
        #expect(ingested.reduce(0, +) == Self.documents, "per daemon: \(ingested)")
        #expect(ingested.allSatisfy { $0 > 0 }, "both daemons took part: \(ingested)")
        let retried: String = try fixture.scalar(
            "SELECT coalesce(string_agg(id || ': ' || errors::text, '; '), '') FROM zhibiao.ingest_queue WHERE attempt > 1"
        )
        #expect(retried.isEmpty, "messages that needed a second attempt")
    }

    @Test func poisonMessageIsDiscardedWithItsHistoryAndRetryBringsItBack() async throws {
        let fixture = try IngestFixture()
        defer { fixture.drop() }
        let folder = try VariedDocuments.write(count: 20)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(try fixture.run(["submit", "--max-attempts", "3", folder]).exitCode == 0)
        // Undecodable bytes, as a producer's INSERT brings them (`submit` refuses them by their content).
        let poisonID: Int64 = try fixture.scalar(
            """
            INSERT INTO zhibiao.ingest_queue (bytes, source_name, max_attempts)
            VALUES ('\\x80ff00c328a0a1'::bytea, 'poison.bin', 3) RETURNING id
            """)

        let daemon = try fixture.serve(["--backoff-base", "0.02", "--workers", "2"])
        defer {
            daemon.signal(SIGKILL)
            daemon.wait()
        }
        try await eventually("the poison message is discarded and the rest are done") {
            try fixture.scalar("SELECT state FROM zhibiao.ingest_queue WHERE id = \(poisonID)", String.self)
                == "discarded"
                && fixture.doneCount() == 20
        }
        // It can never decode: discarded at its first attempt, not retried.
        let history: Int = try fixture.scalar(
            "SELECT jsonb_array_length(errors) FROM zhibiao.ingest_queue WHERE id = \(poisonID)")
        #expect(history == 1)
        let firstError: String = try fixture.scalar(
            "SELECT errors->0->>'error' FROM zhibiao.ingest_queue WHERE id = \(poisonID)")
        #expect(firstError.contains("not valid"))
        let status = try fixture.run(["status"])
        #expect(status.stdout.contains("discarded 1"))
        #expect(status.stdout.contains("poison.bin [discarded]"))

        let retried = try fixture.run(["retry", String(poisonID)])
        #expect(retried.exitCode == 0, "\(retried.stdout)\(retried.stderr)")
        // Back in the queue with fresh attempts; the running daemon discards it again, its history growing to two.
        try await eventually("the retried message ran again") {
            try fixture.scalar(
                "SELECT jsonb_array_length(errors) FROM zhibiao.ingest_queue WHERE id = \(poisonID)", Int.self) == 2
        }
        try await eventually("it is discarded again") {
            try fixture.scalar("SELECT state FROM zhibiao.ingest_queue WHERE id = \(poisonID)", String.self)
                == "discarded"
        }
        #expect(try fixture.run(["retry", "--all-discarded"]).stdout.contains("made available: 1"))

        // Graceful shutdown: SIGTERM, exit 0.
        daemon.signal(SIGTERM)
        #expect(daemon.wait() == 0, "\(daemon.stderr)")
    }

    @Test func daemonRecoversWhenPostgreSQLRestarts() async throws {
        let cluster = try TemporaryCluster()
        defer { cluster.destroy() }
        let fixture = try IngestFixture(cluster: cluster)
        let count = 300
        let folder = try VariedDocuments.write(count: count)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let expectedFacts = try VariedDocuments.expectedFacts(count: count)
        let submitted = try fixture.run(["submit", folder])
        #expect(submitted.exitCode == 0, "\(submitted.stderr)")

        let daemon = try fixture.serve(["--workers", "2", "--claim-grace", "0.5"])
        defer {
            daemon.signal(SIGKILL)
            daemon.wait()
        }
        try holdUntil("the daemon is mid-run") { try fixture.doneCount() >= 5 }
        let doneBeforeRestart = try fixture.doneCount()
        try cluster.restart()
        #expect(doneBeforeRestart < count, "the restart came too late to test anything")
        try await eventually("every document is done after the restart") {
            (try? fixture.doneCount()) == count
        }
        try fixture.expectExactlyOnce(documents: count, expectedFacts: expectedFacts)
        daemon.signal(SIGTERM)
        #expect(daemon.wait() == 0)
        #expect(daemon.stderr.contains("listening again after reconnect"), "\(daemon.stderr.suffix(2000))")
    }

    @Test func watchFolderEnqueuesAndMovesFiles() async throws {
        let fixture = try IngestFixture()
        defer { fixture.drop() }
        let folder = NSTemporaryDirectory() + "zhibiao-watch-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let daemon = try fixture.serve(["--watch", folder])
        defer {
            daemon.signal(SIGKILL)
            daemon.wait()
        }
        try Data(VariedDocuments.text(1).utf8).write(to: URL(fileURLWithPath: folder + "/report.txt"))
        try Data().write(to: URL(fileURLWithPath: folder + "/empty.txt"))
        try await eventually("the report is stored and both files moved") {
            try FileManager.default.fileExists(atPath: folder + "/done/report.txt")
                && FileManager.default.fileExists(atPath: folder + "/failed/empty.txt")
                && fixture.doneCount() == 1
        }
        let reason = try String(contentsOfFile: folder + "/failed/empty.txt.error", encoding: .utf8)
        #expect(reason.contains("empty"))
        // The same bytes again (as after a crash between enqueue and move): harmless, moved beside the first.
        try Data(VariedDocuments.text(1).utf8).write(to: URL(fileURLWithPath: folder + "/report.txt"))
        try await eventually("the second copy is moved") {
            FileManager.default.fileExists(atPath: folder + "/done/report.1.txt")
        }
        #expect(try fixture.scalar("SELECT count(*) FROM zhibiao.ingest_queue", Int.self) == 1)
        daemon.signal(SIGTERM)
        #expect(daemon.wait() == 0)
    }
}
