import Foundation
import Synchronization
import Testing
import ZhibiaoPostgres
import ZhibiaoTestSupport

/// The consolidated values the writers maintain (migration 0010): the rows of the keys a statement touched, in its
/// transaction, equal to consolidating everything from scratch; a deterministic choice between sources; concurrent
/// writers of the same keys neither deadlock nor lose an update.
@Suite("Incremental consolidation")
struct ConsolidationTests {
    /// Every consolidated row, as text, in key order (without the chosen fact's id: a reparse renumbers facts).
    static func consolidated(_ connection: PostgresConnection, factIDs: Bool = true) throws -> [String] {
        try connection.query(
            """
            SELECT ROW(region_code, year, indicator, kind, measure, document_id, base_value, qualifier, growth_pct,
                       n_facts, n_sources, min_value, max_value, conflict, CASE WHEN $1 THEN fact_id END)::text
            FROM zhibiao.consolidated ORDER BY region_code, indicator, kind, year, measure
            """, [factIDs]
        ).map { try $0.decode(String.self, at: 0) }
    }

    /// The same rows consolidated from scratch, in one call over every key, in a transaction rolled back.
    static func fromScratch(_ connection: PostgresConnection) throws -> [String] {
        struct Rollback: Error { let rows: [String] }
        do {
            try connection.transaction { connection in
                try connection.query("DELETE FROM zhibiao.consolidated")
                try connection.query(
                    """
                    SELECT zhibiao.facts_changed(ARRAY(
                        SELECT DISTINCT ROW(region_code, year, indicator, kind, measure)::zhibiao.consolidation_key
                        FROM zhibiao.facts
                        WHERE indicator IS NOT NULL AND year IS NOT NULL AND region_code IS NOT NULL))
                    """)
                throw Rollback(rows: try consolidated(connection))
            }
        } catch let rollback as Rollback {
            return rollback.rows
        }
        return []
    }

    @Test func ingestReparseAndDeletesKeepTheRowsOfFromScratch() throws {
        let database = try IngestedSeeds.database()
        defer { database.drop() }
        let owner = try database.connect()
        let seeded = try Self.consolidated(owner)
        #expect(seeded.count > 50)
        #expect(try Self.fromScratch(owner) == seeded)
        let values = try Self.consolidated(owner, factIDs: false)

        // A reparse deletes and inserts every fact of a document; a deletion cascades to articles, then facts.
        try owner.query("UPDATE zhibiao.documents SET parser_version = 'old' WHERE id IN (1, 2)")
        let reparse = try Repository.executable("zhibiao-ingest")
        let url = database.target(loggedInAs: "zhibiao_ingest").description
        let outcome = try Subprocess.run(reparse, ["reparse", "--database-url", url])
        #expect(outcome.exitCode == 0, "\(outcome.stderr)")
        #expect(try Self.consolidated(owner, factIDs: false) == values, "re-parsing the same bytes changes no value")
        #expect(try Self.fromScratch(owner) == Self.consolidated(owner))
        let generation = try owner.query("SELECT generation FROM zhibiao.facts_generation").first!
            .decode(Int64.self, at: 0)

        try owner.query("DELETE FROM zhibiao.documents WHERE id = 3")
        let afterDelete = try Self.consolidated(owner)
        #expect(afterDelete.count < seeded.count)
        #expect(
            try owner.query("SELECT count(*) FROM zhibiao.consolidated WHERE document_id = 3").first!
                .decode(Int.self, at: 0) == 0)
        #expect(try Self.fromScratch(owner) == afterDelete)
        #expect(
            try owner.query("SELECT generation FROM zhibiao.facts_generation").first!
                .decode(Int64.self, at: 0) > generation)
    }

    /// Two documents stating one figure differently, stored in the opposite order to their submission.
    static func twoSources(_ connection: PostgresConnection, publishedOn: (String?, String?)) throws {
        try connection.query("INSERT INTO zhibiao.regions VALUES ('41', '河南省', 'province', NULL)")
        for (id, message, value, date) in [(1, 20, "100", publishedOn.0), (2, 10, "200", publishedOn.1)] {
            try connection.query(
                """
                INSERT INTO zhibiao.documents (id, sha256, source_name, raw, text, encoding, parser_version,
                                               message_id, published_on)
                OVERRIDING SYSTEM VALUE
                VALUES ($1, sha256($2::bytea), $2, $2::bytea, $2, 'UTF-8', 'test', $3, $4::date)
                """, [id, "report \(id)", message, date])
            try connection.query(
                """
                INSERT INTO zhibiao.articles (document_id, ordinal, span_start, span_end) VALUES ($1, 0, 0, 1)
                """, [id])
            try connection.query("INSERT INTO zhibiao.sentences (document_id, ordinal, text) VALUES ($1, 0, 'x')", [id])
            try connection.query(
                """
                INSERT INTO zhibiao.facts (document_id, article, region, region_code, year, kind, indicator, label,
                    value, unit, base_value, unit_class, qualifier, evidence, span_start, span_end, sentence_ordinal)
                VALUES ($1, 0, '河南省', '41', 2023, 'actual', 'gdp', '生产总值', $2::numeric, '元', $2::numeric,
                        'CNY', 'exact', 'x', 0, 1, 0)
                """, [id, value])
        }
    }

    static func chosen(_ connection: PostgresConnection) throws -> (document: Int64, conflict: Bool, sources: Int) {
        let row = try connection.query(
            """
            SELECT document_id, conflict, n_sources FROM reporting.consolidated WHERE region_code = '41'
            """
        ).first!
        return (try row.decode(Int64.self, at: 0), try row.decode(Bool.self, at: 1), try row.decode(Int.self, at: 2))
    }

    @Test func theLaterSubmittedSourceWinsWhateverOrderItWasStoredIn() throws {
        let database = try TestDatabase.create()
        defer { database.drop() }
        let owner = try database.connect()
        try Self.twoSources(owner, publishedOn: (nil, nil))
        // Document 1 came from message 20, document 2 from message 10: the later submitted is document 1, though
        // stored first (two workers' batches commit in either order).
        #expect(try Self.chosen(owner) == (1, true, 2))
        // The date still comes first; changing it consolidates the document's keys again.
        try owner.query("UPDATE zhibiao.documents SET published_on = '2024-02-01' WHERE id = 2")
        #expect(try Self.chosen(owner).document == 2)
        try owner.query("DELETE FROM zhibiao.documents WHERE id = 2")
        #expect(try Self.chosen(owner) == (1, false, 1))
        try owner.query("DELETE FROM zhibiao.documents WHERE id = 1")
        #expect(try owner.query("SELECT count(*) FROM zhibiao.consolidated").first!.decode(Int.self, at: 0) == 0)
    }

    /// Sources of the same figures arriving one statement at a time (migration 0011 merges each new document into
    /// its keys' rows), each better or worse than the chosen fact by another rule: the rows equal those consolidated
    /// from scratch after every one, and after facts added to a document that already had some (recomputed).
    @Test func newSourcesMergedOneAtATimeEqualFromScratch() throws {
        let database = try TestDatabase.create()
        defer { database.drop() }
        let owner = try database.connect()
        try owner.query("INSERT INTO zhibiao.regions VALUES ('41', '河南省', 'province', NULL)")
        let sources: [(publishedOn: String?, message: Int?, value: String?, qualifier: String, growth: String?)] = [
            (nil, 5, "100", "approx", nil),
            ("2024-01-02", 3, "101", "approx", "5.0"),
            (nil, 9, nil, "exact", "6.0"),  // growth only
            ("2024-01-02", 4, "102", "exact", nil),
            ("2023-12-30", 8, "120", "exact", "7.5"),
            (nil, nil, "99", "at_least", "5.0"),
            ("2024-01-02", 4, "102.2", "exact", "6.2"),
        ]
        let facts = """
            INSERT INTO zhibiao.facts (document_id, article, region, region_code, year, kind, indicator, label,
                value, unit, base_value, unit_class, qualifier, growth_pct, measure, evidence, span_start, span_end,
                sentence_ordinal)
            SELECT $1, 0, '河南省', '41', y, 'actual', 'gdp', '生产总值', $2::numeric, '元', $2::numeric, 'CNY', $3,
                   $4::numeric, m, 'x', 0, 1, 0
            FROM unnest(ARRAY[2022, 2023, 2023]) WITH ORDINALITY AS t(y, n)
            CROSS JOIN LATERAL (SELECT CASE WHEN n = 3 THEN 'added' END AS m) measure
            """
        for (index, source) in sources.enumerated() {
            let id = index + 1
            try owner.query(
                """
                INSERT INTO zhibiao.documents (id, sha256, source_name, raw, text, encoding, parser_version,
                                               message_id, published_on)
                OVERRIDING SYSTEM VALUE
                VALUES ($1, sha256($2::bytea), $2, $2::bytea, $2, 'UTF-8', 'test', $3, $4::date)
                """, [id, "report \(id)", source.message, source.publishedOn])
            try owner.query(
                "INSERT INTO zhibiao.articles (document_id, ordinal, span_start, span_end) VALUES ($1, 0, 0, 1)", [id])
            try owner.query("INSERT INTO zhibiao.sentences (document_id, ordinal, text) VALUES ($1, 0, 'x')", [id])
            try owner.query(facts, [id, source.value, source.qualifier, source.growth])
            #expect(try Self.consolidated(owner) == Self.fromScratch(owner), "after source \(id)")
        }
        #expect(
            try owner.query("SELECT n_facts, n_sources, conflict FROM zhibiao.consolidated WHERE year = 2022").first
                .map {
                    [
                        try $0.decode(Int.self, at: 0), try $0.decode(Int.self, at: 1),
                        try $0.decode(Bool.self, at: 2) ? 1 : 0,
                    ]
                }
                == [7, 7, 1])
        // A document that had facts states one more: its keys are recomputed, not merged (it is no new source).
        try owner.query(facts, [2, "130", "exact", String?.none])
        #expect(try Self.consolidated(owner) == Self.fromScratch(owner))
        #expect(
            try owner.query("SELECT n_facts, n_sources FROM zhibiao.consolidated WHERE year = 2022").first
                .map { [try $0.decode(Int.self, at: 0), try $0.decode(Int.self, at: 1)] } == [8, 7])
    }

    @Test func concurrentWritersOfOneKeyLoseNothing() throws {
        let database = try TestDatabase.create()
        defer { database.drop() }
        let owner = try database.connect()
        try Self.twoSources(owner, publishedOn: (nil, nil))
        let insert = """
            INSERT INTO zhibiao.facts (document_id, article, region, region_code, year, kind, indicator, label,
                value, unit, base_value, unit_class, qualifier, evidence, span_start, span_end, sentence_ordinal)
            SELECT $1, 0, '河南省', '41', y, 'actual', 'gdp', '生产总值', $2::numeric, '元', $2::numeric, 'CNY', 'exact',
                   'x', 0, 1, 0
            FROM unnest($3::int[]) AS y
            """
        // The first writer holds its transaction open after its facts statement; the second writes the same keys
        // (in the other order) meanwhile, on a thread of its own, and must wait, then see the first's facts.
        let first = try database.connect()
        let second = try database.connect()
        let secondPID = second.backendPID  // read now: the connection's lock is held while it waits
        try first.execute("BEGIN")
        try first.query(insert, [1, "300", PostgresArray(["2023", "2022"])])
        let finished = DispatchSemaphore(value: 0)
        let outcome = Mutex<(any Error)?>(nil)
        Thread.detachNewThread {
            do {
                try second.transaction { try $0.query(insert, [2, "400", PostgresArray(["2022", "2023"])]) }
            } catch {
                outcome.withLock { $0 = error }
            }
            finished.signal()
        }
        Thread.sleep(forTimeInterval: 0.3)
        let blocked = try owner.query(
            """
            SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'
            """, [secondPID]
        ).first!.decode(Int.self, at: 0)
        #expect(blocked == 1, "the second writer waits for the first's generation lock")
        try first.execute("COMMIT")
        #expect(finished.wait(timeout: .now() + 20) == .success)
        #expect(outcome.withLock { $0 } == nil)
        let rows = try owner.query(
            """
            SELECT year, n_facts, max_value::text FROM zhibiao.consolidated WHERE region_code = '41' ORDER BY year
            """
        ).map { row in
            [
                try row.decode(String.self, at: 0), try row.decode(String.self, at: 1),
                try row.decode(String.self, at: 2),
            ]
            .joined(separator: " ")
        }
        #expect(rows == ["2022 2 400", "2023 4 400"])
        #expect(try Self.fromScratch(owner) == Self.consolidated(owner))
    }
}
