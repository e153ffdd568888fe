import Foundation
import Testing
import ZhibiaoPostgres
import ZhibiaoSchema
import ZhibiaoTestSupport

/// Issue 13, item 12 (ingest): the ingest service logs in as `zhibiao_ingest` itself and may do what its code does,
/// nothing more. (Every other ingest test runs the CLI as that login too.)
@Suite("the ingest login")
struct IngestLoginTests {
    @Test func theIngestLoginWritesWhatIngestWritesAndNothingElse() throws {
        let database = try TestDatabase.create()
        defer { database.drop() }
        let admin = try database.connect()
        let roles = try admin.query(
            """
            SELECT rolname, rolcanlogin, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolbypassrls,
                   (SELECT count(*) FROM pg_auth_members m WHERE m.member = r.oid)
            FROM pg_roles r WHERE rolname IN ('zhibiao_ingest', 'zhibiao_reporting') ORDER BY rolname
            """
        ).map { row in try (0..<8).map { try row.decode(String.self, at: $0) }.joined(separator: " ") }
        #expect(roles == ["zhibiao_ingest t f f f f f 0", "zhibiao_reporting t f f f f f 0"])

        let ingest = try PostgresConnection(database.target(loggedInAs: "zhibiao_ingest"))
        for statement in [
            "CREATE TEMP TABLE mine (x int)", "SELECT pg_notify('zhibiao_facts', 'forged')", "SELECT lo_create(0)",
            "CREATE TABLE zhibiao.mine (x int)", "DELETE FROM zhibiao.documents", "DELETE FROM zhibiao.ingest_queue",
            "UPDATE zhibiao.facts SET label = label", "UPDATE zhibiao.articles SET title = title",
            "UPDATE zhibiao.sentences SET text = text",
            "UPDATE zhibiao.regions SET code = code", "DELETE FROM zhibiao.regions",
            "INSERT INTO zhibiao.schema_migrations VALUES (99, 'forged', 'x')",
            "DELETE FROM zhibiao.schema_migrations", "UPDATE zhibiao.facts_generation SET generation = 0",
            "SET ROLE zhibiao_reporting", "SET ROLE postgres",
        ] {
            let error = try #require(throws: PostgresError.self, "\(statement)") { try ingest.query(statement) }
            #expect(error.sqlState == "42501", "\(statement): \(error)")
        }
        // What the service does: the wake-up and the announcement go through functions that run as their owner.
        try ingest.transaction { ingest in
            try ingest.query("SELECT zhibiao.wake_ingest()")
            try ingest.query("SELECT zhibiao.announce_facts(1, 0, 'test')")
            try ingest.query("DELETE FROM zhibiao.facts")
            try ingest.query("SELECT count(*) FROM zhibiao.schema_migrations")
            // The document model's region upsert (DocumentStore) corrects a stored region to the gazetteer's entry.
            try ingest.query(
                "INSERT INTO zhibiao.regions VALUES ('41', '河南', 'city', NULL), ('4101', '郑州', 'city', '41')")
            try ingest.query(
                "UPDATE zhibiao.regions SET name = '河南省', level = 'province', parent_code = NULL WHERE code = '41'")
        }
        #expect(try Migrator().migrate(ingest).isEmpty)

        // Exactly these privileges on the schema's tables, and none on schema `reporting`'s views.
        let privileges = try admin.query(
            """
            SELECT c.relname, string_agg(p.privilege, ',' ORDER BY p.privilege)
            FROM pg_class c
            CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'])
                AS p(privilege)
            WHERE c.relnamespace = 'zhibiao'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
              AND has_table_privilege('zhibiao_ingest', c.oid, p.privilege)
            GROUP BY c.relname ORDER BY c.relname
            """
        ).map { "\(try $0.decode(String.self, at: 0)) \(try $0.decode(String.self, at: 1))" }
        #expect(
            privileges == [
                "articles DELETE,INSERT,SELECT", "documents INSERT,SELECT,UPDATE", "facts DELETE,INSERT,SELECT",
                "indicators INSERT,SELECT,UPDATE", "ingest_daemons DELETE,INSERT,SELECT,UPDATE",
                "ingest_queue INSERT,SELECT,UPDATE", "regions INSERT,SELECT",
                "schema_migrations SELECT", "sentences DELETE,INSERT,SELECT",
            ])
        let regionColumns = try admin.query(
            """
            SELECT string_agg(attname, ',' ORDER BY attname) FROM pg_attribute
            WHERE attrelid = 'zhibiao.regions'::regclass AND attnum > 0
              AND has_column_privilege('zhibiao_ingest', attrelid, attnum, 'UPDATE')
            """
        ).first!.decode(String.self, at: 0)
        #expect(regionColumns == "level,name,parent_code")
        #expect(
            try admin.query(
                "SELECT has_schema_privilege('zhibiao_ingest', 'reporting', 'USAGE')"
            ).first!.decode(Bool.self, at: 0)
                == false)
    }

    /// A schema that lacks migrations: `status` (like `submit` and `retry`) changes nothing, whoever runs it, and
    /// says in one clear line who can apply them; the owner's `migrate` does.
    @Test func aServiceLoginCannotMigrateAndSaysWhoCan() throws {
        // A database at the document model's schema (0006), before the hardening (0007).
        let fixture = try IngestFixture(migratedThrough: 6)
        defer { fixture.drop() }
        try fixture.connection.execute("ALTER ROLE zhibiao_ingest LOGIN")  // 0007's, as another database left it
        let status = try fixture.run(["status"])
        #expect(status.exitCode == 1)
        #expect(status.stderr.contains("the schema lacks migrations 7 (hardening)"), "\(status.stderr)")
        #expect(status.stderr.contains("run `zhibiao-ingest migrate` as the schema's owner"), "\(status.stderr)")
        for command in [["status"], ["retry", "--all-discarded"]] {
            let asOwner = try Subprocess.run(
                fixture.binary,
                [command[0], "--database-url", fixture.ownerURL]
                    + command.dropFirst())
            #expect(asOwner.exitCode == 1 && asOwner.stderr.contains("the schema lacks migrations"), "\(asOwner)")
        }
        #expect(try fixture.scalar("SELECT max(version) FROM zhibiao.schema_migrations", Int.self) == 6)

        let owner = try Subprocess.run(fixture.binary, ["migrate", "--database-url", fixture.ownerURL])
        #expect(owner.exitCode == 0, "\(owner.stderr)")
        #expect(try fixture.run(["status"]).exitCode == 0)
    }

    /// `migrate` sets the service logins' passwords from the environment, hashed by libpq before they travel.
    @Test func migrateSetsTheServiceLoginPasswordsHashed() throws {
        let fixture = try IngestFixture()
        defer { fixture.drop() }
        let migrated = try Subprocess.run(
            fixture.binary, ["migrate", "--database-url", fixture.ownerURL],
            environment: ["ZHIBIAO_INGEST_PASSWORD": "ingest-secret", "ZHIBIAO_REPORTING_PASSWORD": "reporting-secret"])
        #expect(migrated.exitCode == 0, "\(migrated.stderr)")
        #expect(migrated.stdout.contains("set the password of zhibiao_ingest"))
        #expect(migrated.stdout.contains("set the password of zhibiao_reporting"))
        #expect(!(migrated.stdout + migrated.stderr).contains("secret"))
        let stored = try fixture.connection.query(
            """
            SELECT bool_and(rolpassword LIKE 'SCRAM-SHA-256$%' AND rolpassword NOT LIKE '%secret%') FROM pg_authid
            WHERE rolname IN ('zhibiao_ingest', 'zhibiao_reporting')
            """)
        #expect(try stored.first!.decode(Bool.self, at: 0))
    }
}
