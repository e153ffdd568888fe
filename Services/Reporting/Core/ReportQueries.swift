import Foundation
import ZhibiaoPostgres
import ZhibiaoProtocol

/// The SQL behind the methods: each reads the `reporting` views through the pool, with bound parameters, and
/// returns JSON made by PostgreSQL (`row_to_json`), so `numeric` values arrive as exact JSON numbers.
struct ReportQueries: Sendable {
    let pool: PostgresPool
    let rowCap: Int
    /// The deepest `offset` accepted; deeper pages are reached with `cursor`, which costs the same at any depth.
    let maxOffset: Int

    // MARK: Helpers

    /// One page of a list: `columns` (the answer's fields, over the columns of `source`) of the rows where `filter`
    /// holds, ordered by `keys`, with the total. The page starts `offset` rows in, or after the row that `cursor`
    /// (a previous page's `next_cursor`) names, which the database finds by the keys' order rather than by
    /// reading every row before it.
    func page(
        _ columns: String, from source: String, where filter: String = "true", _ parameters: [any PostgresBindable],
        keys: [PageKey], params: Params
    ) async throws -> Page {
        let limit = min(params.int("limit") ?? rowCap, rowCap)
        let cursor = try params.string("cursor").map { cursor throws(RPCError) in
            try PageCursor.decode(cursor, keys: keys)
        }
        guard cursor == nil || !params.has("offset") else {
            throw RPCError.invalidParam("offset", "give offset or cursor, not both")
        }
        let offset = params.int("offset") ?? 0
        guard offset <= maxOffset else {
            throw RPCError.invalidParam(
                "offset",
                "offset must be at most \(maxOffset); page further with cursor "
                    + "(each page's next_cursor)")
        }
        let n = parameters.count
        let order = keys.map(\.column).joined(separator: ", ")
        let after =
            cursor == nil
            ? "true"
            : "(\(order)) > (" + keys.enumerated().map { $1.value(in: "$\(n + 3)", at: $0) }.joined(separator: ", ")
                + ")"
        // One row more than the page tells whether another page follows.
        let sql = """
            SELECT (SELECT count(*) FROM \(source) WHERE \(filter)) AS total,
                   (SELECT row_to_json(r)::text FROM (SELECT \(columns)) r) AS row,
                   json_build_array(\(order))::text AS key
            FROM \(source) WHERE (\(filter)) AND \(after)
            ORDER BY \(order) LIMIT $\(n + 1) OFFSET $\(n + 2)
            """
        let bound = parameters + [limit + 1, offset] + (cursor.map { [$0] } ?? [])
        let (total, found): (Int, [(row: String, key: String)]) = try await pool.withConnection { connection in
            let result = try connection.query(sql, bound)
            guard let first = result.first else {
                // Over the columns too: a parameter only they use (`unindexed`) must still be in the statement.
                let total = try connection.query(
                    "SELECT count(*) FROM (SELECT \(columns) FROM \(source) WHERE \(filter)) counted", parameters
                ).first!.decode(Int.self, at: 0)
                return (total, [])
            }
            return (
                try first.decode(Int.self, at: 0),
                try result.map { (try $0.decode(String.self, at: 1), try $0.decode(String.self, at: 2)) }
            )
        }
        let more = found.count > limit && limit > 0
        let rows = found.prefix(limit)
        return Page(
            total: total, limit: limit, offset: cursor == nil ? offset : nil,
            nextOffset: more && cursor == nil ? offset + rows.count : nil,
            nextCursor: more ? rows.last.map { PageCursor.encode($0.key) } : nil,
            rows: try rows.map { try JSONValue(parsing: $0.row) })
    }

    /// All rows of a small query as JSON objects (no paging).
    func rows(_ select: String, _ parameters: [any PostgresBindable]) async throws -> [JSONValue] {
        let sql = "SELECT row_to_json(base)::text FROM (\(select)) base"
        return try await pool.withConnection { connection in
            try connection.query(sql, parameters).map { try JSONValue(parsing: try $0.decode(String.self, at: 0)) }
        }
    }

    /// Region codes for names or codes; an unknown one is a `-32002` naming the parameter.
    func regionCodes(_ names: [String]?, param: String = "region") async throws -> [String]? {
        guard let names else { return nil }
        let found = try await pool.withConnection { connection in
            try connection.query(
                "SELECT code, name FROM reporting.region_names WHERE code = ANY($1::text[]) OR name = ANY($1::text[])",
                [PostgresArray(names)]
            ).map { (try $0.decode(String.self, at: 0), try $0.decode(String.self, at: 1)) }
        }
        for name in names where !found.contains(where: { $0.0 == name || $0.1 == name }) {
            throw RPCError(
                code: .notFound, message: "no region \(name.debugDescription) has facts",
                data: .object([("param", .string(param)), ("value", .string(name))]))
        }
        return found.map(\.0)
    }

    /// An indicator id that the catalogue does not know is an invalid parameter.
    func checkIndicator(_ id: String?, param: String = "indicator") async throws {
        guard let id else { return }
        let known = try await pool.withConnection { connection in
            try !connection.query("SELECT 1 FROM reporting.indicators WHERE id = $1", [id]).isEmpty
        }
        guard known else {
            throw RPCError(
                code: .invalidParams, message: "unknown indicator \(id.debugDescription) (see `indicators`)",
                data: .object([("param", .string(param)), ("value", .string(id))]))
        }
    }

    /// A LIKE pattern matching text that contains `text` literally: `%`, `_` and the escape character `\` in it
    /// match only themselves.
    static func containsPattern(_ text: String) -> String {
        var pattern = "%"
        for character in text {
            if character == "%" || character == "_" || character == "\\" { pattern.append("\\") }
            pattern.append(character)
        }
        return pattern + "%"
    }

    /// `region_code` restricted to the regions (and, unless `subregions` is false, everything below them).
    static func regionFilter(_ column: String, codes: Int, subregions: Int) -> String {
        "($\(codes)::text[] IS NULL "
            + "OR \(column) = ANY ((SELECT reporting.region_codes($\(codes)::text[], true, $\(subregions)::boolean))::text[]))"
    }

    /// The order of facts: by document, then by place in the text.
    static let factKeys: [PageKey] = [.integer("document_id"), .integer("span_start"), .integer("id")]

    static let factColumns = """
        id, document_id, doc, article, region, region_code, year, kind, indicator, label, value, unit, base_value,
        unit_class, qualifier, growth_pct, measure, evidence, json_build_array(span_start, span_end) AS span, sentence
        """

    static let articleColumns = """
        ordinal, title, dateline, region, region_code, year, sets_targets,
        json_build_array(span_start, span_end) AS span
        """

    /// `indicator_<column>` of a view (what facts with an indicator make), or `<column>` (every fact) when the
    /// boolean parameter `$<unindexed>` — the request's `unindexed` — is true; named `column` either way.
    static func scoped(_ column: String, unindexed: Int) -> String {
        "CASE WHEN $\(unindexed)::boolean THEN \(column) ELSE indicator_\(column) END AS \(column)"
    }
}
