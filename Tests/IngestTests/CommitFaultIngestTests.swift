import Foundation
import Testing
import ZhibiaoIngest
import ZhibiaoPostgres
import ZhibiaoTestSupport

#if canImport(Glibc)
    import Glibc
#endif

@Suite("ingest survives a connection lost during COMMIT")
struct CommitFaultIngestTests {
    /// Issue 13, item 1: the first batch's COMMIT kills the worker's backend. The one worker must reconnect, take its
    /// batch over after the grace and finish every message; before the fix it stayed stuck for good while the daemon
    /// looked alive.
    @Test func workerReconnectsAfterCommitFailsAndFinishesEveryMessage() async throws {
        let fixture = try IngestFixture()
        defer { fixture.drop() }
        let count = 20
        let folder = try VariedDocuments.write(count: count)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let expectedFacts = try VariedDocuments.expectedFacts(count: count)
        try CommitFault.install(on: "zhibiao.documents", fixture.connection)
        #expect(try fixture.run(["submit", folder]).exitCode == 0)

        let daemon = try fixture.serve(["--workers", "1", "--claim-grace", "0.5"])
        defer {
            daemon.signal(SIGKILL)
            daemon.wait()
        }
        try await eventually("every message is done") { try fixture.doneCount() == count }
        #expect(try CommitFault.fired(fixture.connection))
        try fixture.expectExactlyOnce(documents: count, expectedFacts: expectedFacts)
        daemon.signal(SIGTERM)
        #expect(daemon.wait() == 0)
        // The batch the fault cut was taken over: its messages carry the interrupted attempt in their history.
        #expect(
            try fixture.scalar(
                "SELECT count(*) FROM zhibiao.ingest_queue WHERE jsonb_array_length(errors) > 0", Int.self) > 0)
    }
}
