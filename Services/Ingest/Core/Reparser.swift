import Foundation
import Logging
import ZhibiaoPostgres

/// `zhibiao-ingest reparse`: re-derives the articles and facts of stored documents from their raw bytes, after a
/// parser upgrade. One transaction per document (its old rows replaced, its new ones written, NOTIFY sent), so a
/// reader never sees a document half re-parsed and an interrupted run can simply be started again.
public struct Reparser: Sendable {
    public let parser: any DocumentParser
    let logger: Logger

    public init(parser: any DocumentParser, logger: Logger) {
        self.parser = parser
        self.logger = logger
    }

    public struct Summary: Sendable, Equatable {
        public var reparsed = 0
        public var failed = 0
        public var facts = 0
    }

    /// Re-parses the documents `ids`, or all whose parser version differs from this parser's (`all`: every one).
    /// Blocking.
    public func reparse(ids: [Int64]?, all: Bool, on connection: PostgresConnection) throws -> Summary {
        let selected: [Int64]
        if let ids {
            selected = ids
        } else {
            selected = try connection.query(
                all
                    ? "SELECT id FROM zhibiao.documents ORDER BY id"
                    : "SELECT id FROM zhibiao.documents WHERE parser_version <> $1 ORDER BY id",
                all ? [] : [parser.version]
            ).map { try $0.decode(Int64.self, at: 0) }
        }
        var summary = Summary()
        for id in selected {
            do {
                let facts = try reparse(document: id, on: connection)
                summary.reparsed += 1
                summary.facts += facts
                logger.info("reparsed document", metadata: ["document": "\(id)", "facts": "\(facts)"])
            } catch let error as PostgresError where error.isConnectionProblem {
                throw error
            } catch {
                summary.failed += 1
                logger.error(
                    "reparse failed; document left as it was", metadata: ["document": "\(id)", "error": "\(error)"])
            }
        }
        return summary
    }

    func reparse(document id: Int64, on connection: PostgresConnection) throws -> Int {
        try connection.transaction { connection in
            guard
                let row = try connection.query(
                    """
                    SELECT coalesce(raw, convert_to(text, 'UTF8')), source_name, source_url, published_on::text,
                           region_hint
                    FROM zhibiao.documents WHERE id = $1 FOR UPDATE
                    """, [id]
                ).first
            else {
                throw DocumentParseError("no document \(id)")
            }
            let metadata = DocumentMetadata(
                sourceURL: try row.decode(String?.self, at: 2), publishedOn: try row.decode(String?.self, at: 3),
                regionHint: try row.decode(String?.self, at: 4))
            let parsed = try parser.parse(
                bytes: [UInt8](try row.decode(Data.self, at: 0)), name: try row.decode(String.self, at: 1),
                metadata: metadata)
            // Its regions first: deleting its facts takes the generation's lock (migration 0011), and an ingest batch
            // that has inserted one of these regions, uncommitted, waits for that lock before it commits.
            try DocumentStore.writeRegions(named: [parsed], on: connection)
            try DocumentStore.deleteContents(ofDocument: id, on: connection)
            // The bytes stay stored apart only while the text is not exactly them (migration 0009).
            try connection.query(
                """
                UPDATE zhibiao.documents
                SET raw = nullif(coalesce(raw, convert_to(text, 'UTF8')), convert_to($2, 'UTF8')), text = $2,
                    encoding = $3, parser_version = $4, parsed_at = now()
                WHERE id = $1
                """, [id, parsed.text, parsed.encoding, parser.version])
            try DocumentStore.writeContents(of: [(id, parsed)], on: connection)
            try DocumentStore.announce(documentID: id, facts: parsed.facts.count, reason: "reparsed", on: connection)
            return parsed.facts.count
        }
    }
}
