import Foundation
import ZhibiaoModels
import ZhibiaoPostgres

/// Writes a parsed report's rows: regions, articles and facts. Runs inside the caller's transaction.
enum DocumentStore {
    /// Upserts the regions (parents first), then COPYs the articles and the facts of document `documentID`.
    /// Returns the number of facts written.
    @discardableResult
    static func writeContents(of parsed: ParsedDocument, documentID: Int64, on connection: PostgresConnection) throws
        -> Int
    {
        for region in parsed.regions {
            // DO NOTHING, not UPDATE: the gazetteer is the authority and every parser version names a code alike.
            try connection.query(
                """
                INSERT INTO zhibiao.regions (code, name, level, parent_code) VALUES ($1, $2, $3, $4)
                ON CONFLICT (code) DO NOTHING
                """, [region.code, region.name, region.level.rawValue, region.parentCode])
        }
        let id = String(documentID)
        try connection.copyIn(
            "COPY zhibiao.articles (document_id, ordinal, title, region, region_code, year, span_start, span_end) FROM STDIN",
            rows: parsed.articles.map { article in
                [
                    id, String(article.ordinal), article.title, article.region, article.regionCode,
                    article.year.map(String.init), String(article.span.lowerBound), String(article.span.upperBound),
                ]
            })
        guard !parsed.facts.isEmpty else { return 0 }
        return try connection.copyIn(
            """
            COPY zhibiao.facts (document_id, article, region, region_code, year, kind, indicator, label, value, unit,
                                base_value, unit_class, qualifier, growth_pct, evidence, span_start, span_end, sentence)
            FROM STDIN
            """,
            rows: parsed.facts.map { fact in
                [
                    id, String(fact.article), fact.region, fact.regionCode, fact.year.map(String.init),
                    fact.kind.rawValue,
                    fact.indicator, fact.label, fact.value?.numericText, fact.unit, fact.baseValue?.numericText,
                    fact.unitClass?.rawValue, fact.qualifier.rawValue, fact.growthPct?.numericText, fact.evidence,
                    String(fact.span.first ?? 0), String(fact.span.last ?? 0), fact.sentence,
                ]
            })
    }

    /// Deletes the derived rows of a document (facts, then articles) before it is parsed again.
    static func deleteContents(ofDocument documentID: Int64, on connection: PostgresConnection) throws {
        try connection.query("DELETE FROM zhibiao.facts WHERE document_id = $1", [documentID])
        try connection.query("DELETE FROM zhibiao.articles WHERE document_id = $1", [documentID])
    }

    /// Tells the reporting service that a document's facts changed (delivered at COMMIT).
    static func announce(documentID: Int64, facts: Int, reason: String, on connection: PostgresConnection) throws {
        let payload = #"{"document_id":\#(documentID),"facts":\#(facts),"reason":"\#(reason)"}"#
        try connection.notify(IngestQueue.factsChannel, payload: payload)
    }
}

extension Decimal {
    /// The exact decimal text NUMERIC reads (never through a binary float).
    var numericText: String {
        String(decoding: postgresParameter?.bytes ?? Array("0".utf8), as: UTF8.self)
    }
}
