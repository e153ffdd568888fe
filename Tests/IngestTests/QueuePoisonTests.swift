import Foundation
import Testing
import ZhibiaoIngest
import ZhibiaoPostgres
import ZhibiaoSchema
import ZhibiaoTestSupport

/// Issue 13, item 8: one queue row, written by any producer with plain SQL, must not stop every worker.
@Suite("one queue row cannot block the queue")
struct QueuePoisonTests {
    /// What blocked every worker (the claim's `attempt + 1` overflowed on the first row in line) or broke `status`
    /// (an infinite timestamp) is refused by the table, and `--max-attempts` beyond the range by the CLI.
    @Test func valuesThatWouldBreakTheClaimOrTheStatusAreRefused() throws {
        let fixture = try IngestFixture()
        defer { fixture.drop() }
        let folder = try VariedDocuments.write(count: 2)
        defer { try? FileManager.default.removeItem(atPath: folder) }

        let tooMany = try fixture.run(["submit", "--max-attempts", "2147483647", folder])
        #expect(tooMany.exitCode == 2, "\(tooMany.stdout)\(tooMany.stderr)")
        #expect(tooMany.stderr.contains("--max-attempts"))
        #expect(try fixture.scalar("SELECT count(*) FROM zhibiao.ingest_queue", Int.self) == 0)

        #expect(try fixture.run(["submit", folder]).exitCode == 0)
        for change in [
            "attempt = 2147483647", "max_attempts = 2147483647", "max_attempts = 101", "attempt = 6",
            "run_at = '-infinity'", "run_at = 'infinity'", "created_at = 'infinity'", "locked_at = '-infinity'",
            "state = 'running', locked_at = NULL",
        ] {
            let error = try #require(throws: PostgresError.self, "\(change)") {
                try fixture.connection.query("UPDATE zhibiao.ingest_queue SET \(change) WHERE source_name = 'doc0.txt'")
            }
            #expect(error.sqlState == "23514", "\(change): \(error)")
        }
        let served = try fixture.run(["serve", "--once"])
        #expect(served.exitCode == 0, "\(served.stderr)")
        #expect(try fixture.doneCount() == 2)
        #expect(try fixture.run(["status"]).exitCode == 0)
    }

    /// The worst row the constraints allow, first in line: no attempt left while `available`. The claim discards it
    /// with its reason, and every other message is done.
    @Test func aMessageWithNoAttemptLeftIsDiscardedAndTheOthersGoOn() throws {
        let fixture = try IngestFixture()
        defer { fixture.drop() }
        let folder = try VariedDocuments.write(count: 3)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(try fixture.run(["submit", "--max-attempts", "3", folder]).exitCode == 0)
        try fixture.connection.query(
            "UPDATE zhibiao.ingest_queue SET attempt = 3, run_at = '0001-01-01' WHERE source_name = 'doc0.txt'")

        let served = try fixture.run(["serve", "--once"])
        #expect(served.exitCode == 0, "\(served.stderr)")
        let rows = try fixture.connection.query(
            "SELECT source_name, state, attempt, errors->-1->>'error' FROM zhibiao.ingest_queue ORDER BY source_name")
        #expect(
            try rows.map { "\(try $0.decode(String.self, at: 0)) \(try $0.decode(String.self, at: 1))" }
                == ["doc0.txt discarded", "doc1.txt done", "doc2.txt done"])
        #expect(try rows[0].decode(Int.self, at: 2) == 3)
        #expect(try rows[0].decode(String?.self, at: 3) == "no attempt left (attempt 3 of max_attempts 3)")
    }

    /// A database upgraded to 0007 (from 0006's schema) with rows already out of range: they are discarded with their
    /// original values in their history (the constraints could not apply otherwise), and the queue drains.
    @Test func theMigrationDiscardsRowsAlreadyOutOfRange() throws {
        let fixture = try IngestFixture(migratedThrough: 6)
        defer { fixture.drop() }
        try fixture.connection.query(
            """
            INSERT INTO zhibiao.ingest_queue (bytes, source_name, attempt, max_attempts, run_at)
            VALUES (convert_to($1, 'UTF8'), 'overflow.txt', 2147483647, 2147483647, now()),
                   (convert_to($2, 'UTF8'), 'infinite.txt', 0, 5, '-infinity'),
                   (convert_to($3, 'UTF8'), 'fine.txt', 0, 5, now())
            """, [VariedDocuments.text(0), VariedDocuments.text(1), VariedDocuments.text(2)])
        try Migrator().migrate(fixture.connection)

        let served = try fixture.run(["serve", "--once"])
        #expect(served.exitCode == 0, "\(served.stderr)")
        let rows = try fixture.connection.query(
            "SELECT source_name, state, errors->-1->>'error' FROM zhibiao.ingest_queue ORDER BY source_name")
        #expect(
            try rows.map { "\(try $0.decode(String.self, at: 0)) \(try $0.decode(String.self, at: 1))" }
                == ["fine.txt done", "infinite.txt discarded", "overflow.txt discarded"])
        #expect(try rows[1].decode(String.self, at: 2).contains("run_at -infinity"))
        #expect(try rows[2].decode(String.self, at: 2).contains("attempt 2147483647, max_attempts 2147483647"))
    }

    /// The retry delay stays a week at most whatever the attempt and the base (a `Duration` traps on overflow).
    @Test func theRetryDelayIsCapped() {
        var settings = IngestSettings()
        settings.backoffBase = .seconds(86_400)
        #expect(settings.backoff(afterAttempt: IngestSettings.maxAttemptsLimit) <= .seconds(7 * 86_400))
        settings.backoffBase = .seconds(1)
        #expect(settings.backoff(afterAttempt: 2) >= .seconds(16))
    }
}
