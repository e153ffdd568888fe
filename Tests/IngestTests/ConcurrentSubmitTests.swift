import Foundation
import Testing
import ZhibiaoPostgres
import ZhibiaoTestSupport

@testable import ZhibiaoIngest

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 13, item 13 (submit): concurrent submits of overlapping folders could deadlock (40P01) after printing
/// "queued" for rows their rollback took back.
@Suite("concurrent submits", .serialized)
struct ConcurrentSubmitTests {
    /// The interleaving that deadlocked two submits each inserting in its own path order: `submit X Y` holds X and
    /// waits for a report of Y that another transaction holds; `submit Y' X` (Y without that report) then held Y' and
    /// waited for X. When the third transaction rolled back, the first needed Y' and the second X. Now the second
    /// waits for the first's submit lock, holding nothing. Both must succeed, every "queued" line must name a message
    /// that exists, and the queue keeps the order the files were given in.
    @Test func overlappingFoldersSubmittedAtOnceBothSucceed() throws {
        let fixture = try IngestFixture()
        defer { fixture.drop() }
        let root = NSTemporaryDirectory() + "zhibiao-submits-" + UUID().uuidString.prefix(8)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let texts = (0..<20).map(VariedDocuments.text)
        for (folder, range) in [("X", 0..<10), ("Y", 10..<20), ("Y2", 11..<20)] {
            try FileManager.default.createDirectory(atPath: "\(root)/\(folder)", withIntermediateDirectories: true)
            for index in range {
                try Data(texts[index].utf8).write(to: URL(fileURLWithPath: "\(root)/\(folder)/\(index).txt"))
            }
        }

        let blocker = try fixture.database!.connect()
        try blocker.execute("BEGIN")
        try blocker.query(
            "INSERT INTO zhibiao.ingest_queue (bytes, source_name) VALUES (convert_to($1, 'UTF8'), 'blocker')",
            [texts[10]])
        let first = try submit(fixture, ["\(root)/X", "\(root)/Y"], as: "submit-first")
        let second: ChildProcess
        do {
            try holdUntil("the first submit waits") { try waiting(fixture, "submit-first") }
            second = try submit(fixture, ["\(root)/Y2", "\(root)/X"], as: "submit-second")
            try holdUntil("the second submit waits or is done") {
                try waiting(fixture, "submit-second") || second.hasExited
            }
        } catch {
            first.signal(SIGKILL)
            throw error
        }
        try blocker.execute("ROLLBACK")

        let outcomes = [first, second].map { (code: $0.wait(), stdout: $0.stdout, stderr: $0.stderr) }
        #expect(outcomes.map(\.code) == [0, 0], "\(outcomes.map(\.stderr))")
        #expect(try fixture.scalar("SELECT count(*) FROM zhibiao.ingest_queue", Int.self) == 20)
        let queuedIDs = outcomes.flatMap { outcome in
            outcome.stdout.split(separator: "\n").compactMap { line -> Int64? in
                guard line.hasPrefix("queued /"), let open = line.lastIndex(of: " ") else { return nil }
                return Int64(line[line.index(after: open)...].dropLast())
            }
        }
        #expect(queuedIDs.count == 20, "\(outcomes.map(\.stdout))")
        let stored = try fixture.connection.query("SELECT id FROM zhibiao.ingest_queue").map {
            try $0.decode(Int64.self, at: 0)
        }
        #expect(Set(queuedIDs) == Set(stored))
        #expect(queuedIDs == queuedIDs.sorted(), "\(outcomes.map(\.stdout))")
    }

    /// A deadlock with another writer (here a session that inserts the submit's second report, then its first):
    /// the submit loses it, runs its transaction again, and succeeds with both reports "already known".
    @Test func aSubmitThatLosesADeadlockRunsAgain() throws {
        let fixture = try IngestFixture()
        defer { fixture.drop() }
        let folder = NSTemporaryDirectory() + "zhibiao-deadlock-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let texts = [VariedDocuments.text(0), VariedDocuments.text(1)]
        for (index, text) in texts.enumerated() {
            try Data(text.utf8).write(to: URL(fileURLWithPath: "\(folder)/\(index + 1).txt"))
        }

        let other = try fixture.database!.connect()
        var submit: ChildProcess?
        try other.transaction { other in
            // The submit must be the victim: this session waits a minute before it looks for a deadlock.
            try other.execute("SET LOCAL deadlock_timeout = '60s'")
            try other.query(
                "INSERT INTO zhibiao.ingest_queue (bytes, source_name) VALUES (convert_to($1, 'UTF8'), 'other')",
                [texts[1]])
            submit = try self.submit(fixture, [folder], as: "submit-victim")
            try holdUntil("the submit waits for the second report") { try waiting(fixture, "submit-victim") }
            // Waits for the submit, which waits for this session: PostgreSQL ends the submit's transaction.
            try other.query(
                "INSERT INTO zhibiao.ingest_queue (bytes, source_name) VALUES (convert_to($1, 'UTF8'), 'other')",
                [texts[0]])
        }
        let outcome = try #require(submit)
        #expect(outcome.wait() == 0, "\(outcome.stderr)")
        #expect(
            outcome.stdout == "already known \(folder)/1.txt\nalready known \(folder)/2.txt\n"
                + "queued 0, already known 2, rejected 0\n")
    }

    private func submit(_ fixture: IngestFixture, _ paths: [String], as name: String) throws -> ChildProcess {
        try ChildProcess(
            fixture.binary, ["submit", "--database-url", fixture.url] + paths, environment: ["PGAPPNAME": name])
    }

    /// True while the session named `name` waits for a lock.
    private func waiting(_ fixture: IngestFixture, _ name: String) throws -> Bool {
        try fixture.connection.query(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", [name]
        ).first!.decode(Int.self, at: 0) > 0
    }
}
