import Foundation
import ZhibiaoPostgres

#if canImport(Glibc)
    import Glibc
#endif

/// The five seed reports (`seeds/`) as the real pipeline stores them: submitted through the queue by
/// `zhibiao-ingest submit`, then consumed by a running `zhibiao-ingest serve` daemon until every message is done.
///
/// Both run as `zhibiao_ingest`. That happens once per test process, into a template database; each caller gets its own copy of it, so a test that
/// writes sees only its own rows. The template is dropped when the process exits.
public enum IngestedSeeds {
    /// A new database holding the ingested seeds, for one test (drop it with `drop()`).
    public static func database() throws -> TestDatabase {
        try TestDatabase.copy(of: template.get())
    }

    /// Made on first use (a static `let` is initialized once, whichever test asks first).
    private static let template: Result<TestDatabase, any Error> = Result {
        let database = try TestDatabase.create()
        do {
            try ingest(into: database)
        } catch {
            database.drop()
            throw error
        }
        atexit { try? IngestedSeeds.template.get().drop() }
        return database
    }

    /// How long the daemon may take over five reports in a debug build on a busy machine before the setup fails.
    static let patience: Duration = .seconds(120)

    private static func ingest(into database: TestDatabase) throws {
        let binary = try Repository.executable("zhibiao-ingest")
        // As the ingest login, as a deployment runs them (docs/roles.md).
        let url = database.target(loggedInAs: "zhibiao_ingest").description
        let submitted = try Subprocess.run(binary, ["submit", "--database-url", url, Repository.path("seeds")])
        guard submitted.exitCode == 0, submitted.stdout.contains("queued 5, already known 0, rejected 0") else {
            throw TestSupportError(
                "submitting the seeds failed (\(submitted.exitCode)): \(submitted.stdout)"
                    + submitted.stderr)
        }
        let daemon = try ChildProcess(binary, ["serve", "--database-url", url, "--poll-interval", "0.2"])
        var stopped = false
        defer {
            if !stopped {
                daemon.signal(SIGKILL)
                daemon.wait()
            }
        }
        let connection = try database.connect()
        let deadline = ContinuousClock.now + patience
        while true {
            let row = try connection.query(
                """
                SELECT count(*) FILTER (WHERE state = 'done'), count(*) FILTER (WHERE state = 'discarded'),
                       coalesce(string_agg(errors::text, '; ') FILTER (WHERE errors <> '[]'), '')
                FROM zhibiao.ingest_queue
                """
            ).first!
            let done = try row.decode(Int.self, at: 0)
            let errors = try row.decode(String.self, at: 2)
            if try row.decode(Int.self, at: 1) > 0 || !errors.isEmpty {
                throw TestSupportError("the ingest daemon failed on a seed: \(errors)")
            }
            if done == 5 { break }
            guard ContinuousClock.now < deadline else {
                throw TestSupportError("the ingest daemon did not finish the seeds within \(patience): \(done) done")
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        daemon.signal(SIGTERM)
        let code = daemon.wait()
        stopped = true
        guard code == 0 else {
            throw TestSupportError("the ingest daemon exited with \(code) after SIGTERM: \(daemon.stderr)")
        }
    }
}
