import Foundation
import ZhibiaoPostgres
import ZhibiaoProtocol

extension ReportQueries {
    func regions(_ params: Params) async throws -> JSONValue {
        let roots = try await regionCodes(params.strings("root"), param: "root")
        return try await page(
            """
            code, name, level, parent_code, depth, path, \(Self.scoped("facts", unindexed: 3)),
            \(Self.scoped("facts_total", unindexed: 3))
            """, from: "reporting.regions",
            where: """
                ($1::text[] IS NULL OR code = ANY ((SELECT reporting.region_codes($1::text[], true, true))::text[]))
                  AND ($2::text IS NULL OR level = $2)
                """, [roots.map { PostgresArray($0) }, params.string("level"), params.bool("unindexed") ?? false],
            keys: [.textArray("path")], params: params
        ).json
    }

    func indicators(_ params: Params) async throws -> JSONValue {
        try await page(
            "id, unit_class, flow, names, note, facts, regions", from: "reporting.indicators", [],
            keys: [.text("id")], params: params
        ).json
    }

    func facts(_ params: Params) async throws -> JSONValue {
        let codes = try await regionCodes(params.strings("region"))
        try await checkIndicator(params.string("indicator"))
        let yearFrom = params.int("year") ?? params.int("year_from")
        let yearTo = params.int("year") ?? params.int("year_to")
        return try await page(
            Self.factColumns, from: "reporting.facts",
            where: """
                \(Self.regionFilter("region_code", codes: 1, subregions: 2))
                  AND ($3::text IS NULL OR indicator = $3) AND ($4::text IS NULL OR kind = $4)
                  AND ($5::int IS NULL OR year >= $5) AND ($6::int IS NULL OR year <= $6)
                  AND ($7::text IS NULL OR label LIKE $7 OR sentence LIKE $7 OR evidence LIKE $7)
                  AND ($8::bigint IS NULL OR document_id = $8)
                  AND ($9::text IS NULL OR measure = $9) AND ($10::boolean OR indicator IS NOT NULL)
                """,
            [
                codes.map { PostgresArray($0) }, params.bool("subregions") ?? true, params.string("indicator"),
                params.string("kind"), yearFrom, yearTo, params.string("q").map(Self.containsPattern),
                params.int("document"), params.string("measure"), params.bool("unindexed") ?? false,
            ],
            keys: Self.factKeys, params: params
        ).json
    }

    func series(_ params: Params) async throws -> JSONValue {
        try await checkIndicator(params.string("indicator"))
        let codes = try await regionCodes(params.strings("region"))
        return try await page(
            """
            region_code, region, indicator, measure, year, value, unit, base_value, unit_class, qualifier,
            stated_growth_pct, computed_growth_pct, previous_year, change_pct, n_sources, conflict, fact_id
            """, from: "reporting.series",
            where: """
                indicator = $1 AND ($2::text[] IS NULL OR region_code = ANY($2::text[]))
                  AND ($3::int IS NULL OR year >= $3) AND ($4::int IS NULL OR year <= $4)
                  AND ($5::text IS NULL OR measure = $5)
                """,
            [
                params.string("indicator")!, codes.map { PostgresArray($0) }, params.int("year_from"),
                params.int("year_to"), params.string("measure"),
            ],
            // A flow indicator's measure is NULL: keyed as '', it sorts first (as NULLS FIRST did) and compares.
            keys: [.text("region_code"), .nullableText("measure"), .integer("year")], params: params
        ).json
    }

    func compare(_ params: Params) async throws -> JSONValue {
        try await checkIndicator(params.string("indicator"))
        let within = try await regionCodes(params.strings("within"), param: "within")
        // Ranked before paging, so that a page's ranks are those of the whole list.
        return try await page(
            """
            rank, region_code, region, region_level AS level, value, unit, base_value, unit_class, qualifier,
            growth_pct, n_sources, conflict, fact_id, measure
            """,
            from: """
                (SELECT rank() OVER (ORDER BY base_value DESC NULLS LAST, growth_pct DESC NULLS LAST) AS rank, c.*
                 FROM reporting.consolidated c
                 WHERE indicator = $1 AND year = $2 AND kind = $3 AND ($4::text IS NULL OR region_level = $4)
                   AND ($5::text[] IS NULL OR region_code = ANY ((SELECT reporting.region_codes($5::text[], false, true))::text[]))
                   AND coalesce(measure, 'level') = $6
                ) ranked
                """,
            [
                params.string("indicator")!, params.int("year")!, params.string("kind") ?? "actual",
                params.string("level"), within.map { PostgresArray($0) }, params.string("measure") ?? "level",
            ],
            // A region can have a NULL-measure row (stored before measure existed) and a `level` one: fact_id,
            // one per consolidated row, keeps the keys unique.
            keys: [.integer("rank"), .text("region_code"), .integer("fact_id")], params: params
        ).json
    }

    func targets(_ params: Params) async throws -> JSONValue {
        let codes = try await regionCodes(params.strings("region"))
        try await checkIndicator(params.string("indicator"))
        return try await page(
            """
            region_code, region, year, indicator, target_value, target_unit, target_base_value, unit_class,
            target_qualifier, target_growth_pct, actual_base_value, actual_growth_pct, achieved, status,
            target_fact_id, actual_fact_id, measure
            """, from: "reporting.targets",
            where: """
                \(Self.regionFilter("region_code", codes: 1, subregions: 2))
                  AND ($3::int IS NULL OR year = $3) AND ($4::text IS NULL OR indicator = $4)
                  AND ($5::text IS NULL OR status = $5)
                """,
            [
                codes.map { PostgresArray($0) }, params.bool("subregions") ?? true, params.int("year"),
                params.string("indicator"), params.string("status"),
            ],
            // A stock indicator has a `level` and an `added` target for one year; a flow indicator's NULL measure is
            // keyed as '' (first).
            keys: [.text("region_code"), .integer("year"), .text("indicator"), .nullableText("measure")],
            params: params
        ).json
    }

    func summary(_ params: Params) async throws -> JSONValue {
        let codes = try await regionCodes(params.strings("region"))
        return try await page(
            """
            region_code, region, level, year, actual_indicators, target_indicators, conflicts,
            CASE WHEN $4 THEN facts + unindexed_facts ELSE facts END AS facts,
            CASE WHEN $4 THEN all_documents ELSE documents END AS documents,
            gdp, gdp_growth_pct, actuals, targets, actuals_added, targets_added
            """, from: "reporting.summary",
            where: """
                \(Self.regionFilter("region_code", codes: 1, subregions: 2))
                  AND ($3::int IS NULL OR year = $3) AND ($4::boolean OR facts > 0)
                """,
            [
                codes.map { PostgresArray($0) }, params.bool("subregions") ?? true, params.int("year"),
                params.bool("unindexed") ?? false,
            ],
            keys: [.text("region_code"), .integer("year")], params: params
        ).json
    }

    /// A document's columns; its fact statistics count facts with an indicator unless `$<unindexed>` is true.
    static func documentColumns(unindexed: Int) -> String {
        """
        id, name, sha256, source_url, published_on, region_hint, encoding, parser_version, received_at, parsed_at,
        characters, articles, \(scoped("facts", unindexed: unindexed)), indicator_facts,
        \(scoped("targets", unindexed: unindexed)), \(scoped("regions", unindexed: unindexed)),
        \(scoped("years", unindexed: unindexed)), text_sha256
        """
    }

    func documents(_ params: Params) async throws -> JSONValue {
        let codes = try await regionCodes(params.strings("region"))
        return try await page(
            Self.documentColumns(unindexed: 5), from: "reporting.documents d",
            where: """
                ($1::text[] IS NULL OR EXISTS (
                    SELECT 1 FROM reporting.facts f WHERE f.document_id = d.id AND ($5 OR f.indicator IS NOT NULL)
                      AND \(Self.regionFilter("f.region_code", codes: 1, subregions: 2))))
                  AND ($3::int IS NULL OR $3 = ANY(CASE WHEN $5 THEN years ELSE indicator_years END))
                  AND ($4::text IS NULL OR name LIKE $4)
                """,
            [
                codes.map { PostgresArray($0) }, params.bool("subregions") ?? true, params.int("year"),
                params.string("q").map(Self.containsPattern), params.bool("unindexed") ?? false,
            ],
            keys: [.integer("id")], params: params
        ).json
    }

    /// A document, its articles and a page of its facts (`facts`, positioned by `facts_page`, in the order and with
    /// the cursors of `facts` with `document`).
    func document(_ params: Params) async throws -> JSONValue {
        guard params.has("id") != params.has("name") else {
            throw RPCError.invalidParam("id", "give exactly one of id and name")
        }
        let unindexed = params.bool("unindexed") ?? false
        let found = try await rows(
            "SELECT \(Self.documentColumns(unindexed: 3)) FROM reporting.documents WHERE id = $1 OR name = $2",
            [params.int("id"), params.string("name"), unindexed])
        guard let document = found.first, let id = document["id"]?.intValue else {
            let param = params.has("id") ? "id" : "name"
            throw RPCError(
                code: .notFound, message: "no such document",
                data: .object([("param", .string(param))]))
        }
        let articles = try await rows(
            "SELECT \(Self.articleColumns), \(Self.scoped("facts", unindexed: 2)) "
                + "FROM reporting.articles WHERE document_id = $1 ORDER BY ordinal", [id, unindexed])
        let facts = try await page(
            Self.factColumns, from: "reporting.facts",
            where: "document_id = $1 AND ($2::boolean OR indicator IS NOT NULL)",
            [id, unindexed], keys: Self.factKeys, params: params)
        var members: [(String, JSONValue)] = [
            ("document", document), ("articles", .array(articles)), ("facts", .array(facts.rows)),
            ("facts_page", .object(facts.position)),
        ]
        if params.bool("text") == true {
            let text = try await pool.withConnection { connection in
                try connection.query("SELECT text FROM reporting.document_texts WHERE id = $1", [id]).first?
                    .decode(String.self, at: 0)
            }
            members.append(("text", text.map(JSONValue.string) ?? .null))
        }
        return .object(members)
    }

    func explain(_ params: Params) async throws -> JSONValue {
        let id = params.int("fact")!
        guard
            let fact = try await rows(
                "SELECT \(Self.factColumns), published_on FROM reporting.facts WHERE id = $1",
                [id]
            ).first
        else {
            throw RPCError(code: .notFound, message: "no fact \(id)", data: .object([("param", .string("fact"))]))
        }
        let documentID = fact["document_id"]?.intValue ?? 0
        let document =
            try await rows(
                "SELECT id, name, sha256, source_url, published_on, received_at, parser_version FROM reporting.documents "
                    + "WHERE id = $1", [documentID]
            ).first ?? .null
        let article =
            try await rows(
                "SELECT \(Self.articleColumns) FROM reporting.articles WHERE document_id = $1 AND ordinal = $2",
                [documentID, fact["article"]?.intValue ?? -1]
            ).first ?? .null
        // The consolidation key: region, year, indicator, kind and measure.
        let key: [any PostgresBindable] = [
            fact["region_code"]?.stringValue, fact["year"]?.intValue,
            fact["indicator"]?.stringValue, fact["kind"]?.stringValue ?? "actual",
            fact["measure"]?.stringValue,
        ]
        let sameKey = """
            region_code = $1 AND year = $2 AND indicator = $3 AND kind = $4 AND measure IS NOT DISTINCT FROM $5::text
            """
        let consolidated =
            try await rows(
                """
                SELECT fact_id AS chosen_fact_id, fact_id = $6 AS chosen, measure, value, unit, base_value, unit_class,
                       qualifier, growth_pct, n_facts, n_sources, min_value, max_value, conflict
                FROM reporting.consolidated WHERE \(sameKey)
                """, key + [id]
            ).first ?? .null
        let others = try await rows(
            """
            SELECT \(Self.factColumns) FROM reporting.facts WHERE \(sameKey) AND id <> $6
            ORDER BY document_id, span_start, id
            """, key + [id])
        return .object([
            ("fact", fact), ("document", document), ("article", article),
            ("sentence", fact["sentence"] ?? .null), ("span", fact["span"] ?? .null),
            ("consolidated", consolidated), ("other_sources", .array(others)),
        ])
    }
}
