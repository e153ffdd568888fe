import Foundation
import ZhibiaoFacts
import ZhibiaoPostgres

/// Writes parsed reports' rows: regions, articles, sentences and facts. Runs inside the caller's transaction.
///
/// Four statements for any number of documents: one upserts their regions and one inserts their articles (a few
/// rows each, bound as arrays), then one COPY loads all their sentences and one all their facts (COPY, not
/// `unnest`: 5 s against 8.7 s for 147,200 fact rows; and a COPY's rows go to the WAL a page at a time, an
/// `INSERT`'s one record a row). A sentence is written once, however many facts it states (`FactProse`).
enum DocumentStore {
    /// Writes the regions, articles, sentences and facts of `documents` (stored document id, parsed report).
    static func writeContents(of documents: [(id: Int64, parsed: ParsedDocument)], on connection: PostgresConnection)
        throws
    {
        try writeRegions(named: documents.map(\.parsed), on: connection)
        let articles = documents.flatMap { document in document.parsed.articles.map { (document.id, $0) } }
        try connection.query(
            prepared: """
                INSERT INTO zhibiao.articles (document_id, ordinal, title, dateline, region, region_code, year,
                                              sets_targets, span_start, span_end)
                SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[],
                                     $7::int[], $8::boolean[], $9::int[], $10::int[])
                """,
            [
                PostgresArray(articles.map { String($0.0) }), PostgresArray(articles.map { String($0.1.ordinal) }),
                PostgresArray(articles.map(\.1.title)), PostgresArray(articles.map(\.1.dateline)),
                PostgresArray(articles.map(\.1.region)), PostgresArray(articles.map(\.1.regionCode)),
                PostgresArray(articles.map { $0.1.year.map(String.init) }),
                PostgresArray(articles.map { String($0.1.setsTargets) }),
                PostgresArray(articles.map { String($0.1.span.lowerBound) }),
                PostgresArray(articles.map { String($0.1.span.upperBound) }),
            ])
        guard documents.contains(where: { !$0.parsed.facts.isEmpty }) else { return }
        let prose = documents.map { FactProse($0.parsed.facts) }
        try connection.copyIn("COPY zhibiao.sentences (document_id, ordinal, text) FROM STDIN") { writer in
            for (document, prose) in zip(documents, prose) {
                for (ordinal, sentence) in prose.sentences.enumerated() {
                    writer.field(document.id)
                    writer.field(ordinal)
                    writer.field(sentence)
                    try writer.endRow()
                }
            }
        }
        try connection.copyIn(
            """
            COPY zhibiao.facts (document_id, article, region, region_code, year, kind, indicator, label, value, unit,
                                base_value, unit_class, qualifier, growth_pct, measure, evidence, evidence_offset,
                                span_start, span_end, sentence_ordinal)
            FROM STDIN
            """
        ) { writer in
            for (document, prose) in zip(documents, prose) {
                let facts = document.parsed.facts
                for index in facts.indices {
                    let (fact, stored) = (facts[index], prose.facts[index])
                    writer.field(document.id)
                    writer.field(fact.article)
                    writer.field(fact.region)
                    writer.field(fact.regionCode)
                    writer.field(fact.year)
                    writer.field(fact.kind.rawValue)
                    writer.field(fact.indicator)
                    writer.field(fact.label)
                    writer.field(fact.value)
                    writer.field(fact.unit)
                    writer.field(fact.baseValue)
                    writer.field(fact.unitClass?.rawValue)
                    writer.field(fact.qualifier.rawValue)
                    writer.field(fact.growthPct)
                    writer.field(fact.measure?.rawValue)
                    writer.field(stored.evidenceOffset == nil ? fact.evidence : nil)
                    writer.field(stored.evidenceOffset)
                    writer.field(fact.span.first ?? 0)
                    writer.field(fact.span.last ?? 0)
                    writer.field(stored.sentence)
                    try writer.endRow()
                }
            }
        }
    }

    /// Upserts the regions `documents` name (with their parents). One row per distinct region, in code order.
    /// Gazetteer codes extend their parent's code (41, 4101, 410106, 410106100), so code order writes every parent
    /// before its children; and two workers upserting the same new regions lock them in the same order (no
    /// deadlock). The foreign key (parent → region) is checked at the end of the statement, when the whole CTE has
    /// run.
    ///
    /// The gazetteer is the authority: a region stored otherwise — by parser version 1, without its parent, with the
    /// text's name and a level guessed from its code — takes the gazetteer's entry. Only such rows are updated (and
    /// locked); a region already right is left alone, so concurrent writers of the same places do not queue behind
    /// each other's locks. A writer that holds the generation's lock (a reparse, once it has deleted facts) must have
    /// written its regions before: an ingest batch that inserted one of them first would wait for that lock.
    static func writeRegions(named documents: [ParsedDocument], on connection: PostgresConnection) throws {
        var regionByCode: [String: ParsedRegion] = [:]
        for document in documents {
            for region in document.regions { regionByCode[region.code] = region }
        }
        let regions = regionByCode.values.sorted { $0.code < $1.code }
        try connection.query(
            prepared: """
                WITH input AS (
                    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
                                  WITH ORDINALITY AS i(code, name, level, parent_code, position)
                ), inserted AS (
                    INSERT INTO zhibiao.regions (code, name, level, parent_code)
                    SELECT code, name, level, parent_code FROM input ORDER BY position
                    ON CONFLICT (code) DO NOTHING
                )
                UPDATE zhibiao.regions r SET name = i.name, level = i.level, parent_code = i.parent_code
                FROM input i
                WHERE r.code = i.code
                  AND (r.name, r.level, r.parent_code) IS DISTINCT FROM (i.name, i.level, i.parent_code)
                """,
            [
                PostgresArray(regions.map(\.code)), PostgresArray(regions.map(\.name)),
                PostgresArray(regions.map(\.level.rawValue)), PostgresArray(regions.map(\.parentCode)),
            ])
    }

    /// Deletes the derived rows of a document (facts, their sentences, then articles) before it is parsed again.
    static func deleteContents(ofDocument documentID: Int64, on connection: PostgresConnection) throws {
        try connection.query("DELETE FROM zhibiao.facts WHERE document_id = $1", [documentID])
        try connection.query("DELETE FROM zhibiao.sentences WHERE document_id = $1", [documentID])
        try connection.query("DELETE FROM zhibiao.articles WHERE document_id = $1", [documentID])
    }

    /// Tells the reporting service that a document's facts changed (`zhibiao.announce_facts`, delivered at COMMIT).
    static func announce(documentID: Int64, facts: Int, reason: String, on connection: PostgresConnection) throws {
        try connection.query("SELECT zhibiao.announce_facts($1, $2, $3)", [documentID, facts, reason])
    }
}
