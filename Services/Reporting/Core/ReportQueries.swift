import Foundation
import ZhibiaoModels
import ZhibiaoPostgres

/// The SQL behind the methods: each reads the `reporting` views through the pool, with bound parameters, and
/// returns JSON made by PostgreSQL (`row_to_json`), so `numeric` values arrive as exact JSON numbers.
struct ReportQueries: Sendable {
    let pool: PostgresPool
    let rowCap: Int

    // MARK: Helpers

    /// Rows of `select` (a SELECT whose columns are the answer's fields), ordered and paged, with the total.
    func page(
        _ select: String, _ parameters: [any PostgresBindable], orderBy: String, params: Params
    ) async throws -> JSONValue {
        let limit = min(params.int("limit") ?? rowCap, rowCap)
        let offset = params.int("offset") ?? 0
        let n = parameters.count
        let sql = """
            WITH base AS (\(select))
            SELECT count(*) OVER () AS total, row_to_json(base)::text AS row FROM base
            ORDER BY \(orderBy) LIMIT $\(n + 1) OFFSET $\(n + 2)
            """
        let bound = parameters + [limit, offset]
        let (total, rows): (Int, [JSONValue]) = try await pool.withConnection { connection in
            let result = try connection.query(sql, bound)
            var total = try result.first?.decode(Int.self, at: 0) ?? 0
            if result.isEmpty && offset > 0 {
                total = try connection.query("SELECT count(*) FROM (\(select)) base", parameters).first!
                    .decode(Int.self, at: 0)
            }
            return (total, try result.map { try JSONValue(parsing: try $0.decode(String.self, at: 1)) })
        }
        let next = offset + rows.count < total && limit > 0 ? JSONValue.int(offset + rows.count) : .null
        return .object([
            ("total", .int(total)), ("limit", .int(limit)), ("offset", .int(offset)), ("next_offset", next),
            ("rows", .array(rows)),
        ])
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
                "SELECT code, name FROM reporting.regions WHERE code = ANY($1::text[]) OR name = ANY($1::text[])",
                [Self.arrayLiteral(names)]
            ).map { (try $0.decode(String.self, at: 0), try $0.decode(String.self, at: 1)) }
        }
        for name in names where !found.contains(where: { $0.0 == name || $0.1 == name }) {
            throw RPCError(code: .notFound, message: "no region \(name.debugDescription) has facts",
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
            throw RPCError(code: .invalidParams, message: "unknown indicator \(id.debugDescription) (see `indicators`)",
                           data: .object([("param", .string(param)), ("value", .string(id))]))
        }
    }

    /// A text[] literal for binding a list as one parameter (`$1::text[]`).
    static func arrayLiteral(_ values: [String]) -> String {
        "{" + values.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "\"", with: "\\\"") + "\"" }.joined(separator: ",") + "}"
    }

    /// `region_code` restricted to the regions (and, unless `subregions` is false, everything below them).
    static func regionFilter(_ column: String, codes: Int, subregions: Int) -> String {
        "($\(codes)::text[] IS NULL OR \(column) IN (SELECT code FROM reporting.region_closure "
            + "WHERE ancestor_code = ANY($\(codes)::text[]) AND ($\(subregions)::boolean OR distance = 0)))"
    }

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
