import Foundation
import Testing
import ZhibiaoPostgres
import ZhibiaoTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 13, item 12 (reporting): the reporting service logs in as `zhibiao_reporting` itself — no `SET ROLE` an
/// injected `RESET ROLE` could undo — which can read the reporting views and do nothing else; and the server
/// refuses to serve as a login that can write.
@Suite("the reporting login")
struct ReportingLoginTests {
    @Test func theReportingLoginReadsTheViewsAndNothingElse() throws {
        let database = try IngestedSeeds.database()
        defer { database.drop() }
        let admin = try database.connect()
        let reporting = try PostgresConnection(database.target(loggedInAs: "zhibiao_reporting"))
        let facts = try admin.query("SELECT count(*) FROM zhibiao.facts").first!.decode(Int.self, at: 0)
        #expect(facts > 67)
        #expect(try reporting.query("SELECT count(*) FROM reporting.facts").first!.decode(Int.self, at: 0) == facts)
        #expect(
            try reporting.query("SELECT count(*) FROM reporting.facts WHERE indicator IS NOT NULL").first!
                .decode(Int.self, at: 0) == 67)
        // Every view of schema `reporting` — 0003's and those 0006 made again — is readable, and each answers.
        let views = try admin.query(
            """
            SELECT c.relname, has_table_privilege('zhibiao_reporting', c.oid, 'SELECT')
            FROM pg_class c WHERE c.relnamespace = 'reporting'::regnamespace AND c.relkind IN ('r', 'v', 'm')
            ORDER BY c.relname
            """
        ).map { (try $0.decode(String.self, at: 0), try $0.decode(Bool.self, at: 1)) }
        #expect(
            views.map(\.0) == [
                "articles", "consolidated", "document_texts", "documents", "facts", "freshness", "indicators",
                "region_closure", "region_names", "regions", "series", "summary", "targets",
            ])
        for (view, readable) in views {
            #expect(readable, "\(view)")
            #expect(throws: Never.self, "\(view)") { try reporting.query("SELECT * FROM reporting.\(view) LIMIT 1") }
        }
        // The walk down from the provinces (migration 0012) gives the closure's rows for them, no more, no less.
        let below = try reporting.query(
            """
            WITH roots AS (SELECT array_agg(code) AS codes FROM reporting.region_names WHERE parent_code IS NULL),
            walked AS (SELECT d.* FROM roots, reporting.region_descendants(roots.codes) d),
            closure AS (SELECT c.* FROM roots, reporting.region_closure c WHERE c.ancestor_code = ANY(roots.codes))
            SELECT (SELECT count(*) FROM walked),
                   (SELECT count(*) FROM (TABLE closure EXCEPT TABLE walked) missing),
                   (SELECT count(*) FROM (TABLE walked EXCEPT TABLE closure) extra)
            """
        ).first!
        #expect(try below.decode(Int.self, at: 0) > 5)
        #expect(try below.decode(Int.self, at: 1) == 0 && below.decode(Int.self, at: 2) == 0)
        try reporting.execute("RESET ROLE")  // nothing to undo: the login is the role
        for statement in [
            "CREATE TEMP TABLE mine (x int)", "SELECT pg_notify('zhibiao_facts', '{\"document_id\": 1}')",
            "SELECT lo_create(0)", "SELECT lo_from_bytea(0, '\\x00')", "SELECT * FROM zhibiao.facts",
            "INSERT INTO zhibiao.regions VALUES ('99', 'x', 'province', NULL)", "SELECT zhibiao.wake_ingest()",
            "CREATE TABLE reporting.mine (x int)", "SET ROLE zhibiao_ingest", "SET ROLE postgres",
        ] {
            let error = try #require(throws: PostgresError.self, "\(statement)") { try reporting.query(statement) }
            #expect(error.sqlState == "42501", "\(statement): \(error)")
        }
    }

    /// `zhibiao-report serve` as a superuser, as the ingest role, or as a login that may become the ingest role:
    /// each refused at start with the reason (ExecutableTests serves as `zhibiao_reporting`).
    @Test func reportServeRefusesALoginThatCanWrite() async throws {
        let binary = try Repository.executable("zhibiao-report")
        let database = try TestDatabase.create()
        defer { database.drop() }
        let admin = try database.connect()
        let member = "zhibiao_test_member_" + database.name.suffix(8)
        try admin.execute("CREATE ROLE \(member) LOGIN NOINHERIT; GRANT zhibiao_ingest TO \(member)")
        defer { _ = try? admin.execute("DROP ROLE \(member)") }

        for (login, reason) in [
            ("postgres", "is or may become a superuser (postgres)"),
            ("zhibiao_ingest", "can write the schema's tables (as zhibiao_ingest)"),
            (member, "can write the schema's tables (as zhibiao_ingest)"),
        ] {
            let server = try ChildProcess(
                binary, ["serve", "--socket", temporarySocketPath()],
                environment: ["ZHIBIAO_DATABASE_URL": database.target(loggedInAs: login).description])
            defer {
                server.signal(SIGKILL)
                server.wait()
            }
            try await eventually(.seconds(30)) { server.hasExited }
            #expect(server.wait() == 1)
            #expect(server.stderr.contains("will not serve as \(login): it \(reason)"), "\(server.stderr)")
        }
    }
}
