import ZhibiaoObservability
import ZhibiaoProtocol

/// The protocol's methods: names, parameters, errors and handlers, as `describe` reports them and docs/protocol.md
/// lists them. The one table of methods: adding one here is all the dispatcher needs. Names are stable; changes
/// are additive.
enum MethodCatalog {
    static let all: [MethodSpec] = [
        MethodSpec("ping", "Liveness: answers {\"pong\": true}.", .server { _ in .object([("pong", .bool(true))]) }),
        MethodSpec(
            "describe", "Server version, protocol version, limits, methods with their parameters and errors.",
            .server { $0.describe() }),
        MethodSpec(
            "metrics", "This server's metrics in the Prometheus text format: {\"text\": \"…\"}.",
            .server { _ in .object([("text", .string(ZhibiaoMetrics.exposition()))]) }),
        MethodSpec(
            "regions", "The region tree (depth-first order): codes, names, levels, parents, fact counts.",
            params: [
                ParamSpec("root", .strings, "only these regions (codes or names) and their sub-regions"),
                ParamSpec("level", .oneOf(["province", "city", "county", "township"]), "only regions of this level"),
                .unindexed,
            ], errors: [.notFound], paginated: true,
            .query { try await $0.regions($1) }),
        MethodSpec(
            "indicators", "The indicator catalogue: ids, unit classes, names, fact and region counts.",
            paginated: true, .query { try await $0.indicators($1) }),
        MethodSpec(
            "facts", "Facts with their evidence, filtered.",
            params: [
                .region, .subregions, .indicator, .kind, .year, .yearFrom, .yearTo,
                ParamSpec("q", .string, "text that the label, evidence or sentence contains"),
                ParamSpec("document", .integer(minimum: 1, maximum: Int(Int64.max)), "only this document's facts"),
                .measure, .unindexed,
            ], errors: [.notFound], paginated: true,
            .query { try await $0.facts($1) }),
        MethodSpec(
            "series",
            "Consolidated actual values of one indicator over the years, per region and measure, with "
                + "stated and computed growth.",
            params: [
                ParamSpec("indicator", .string, required: true, "indicator id"),
                ParamSpec("region", .strings, "region codes or names (default: every region with data)"),
                .yearFrom, .yearTo, .measure,
            ], errors: [.notFound], paginated: true,
            .query { try await $0.series($1) }),
        MethodSpec(
            "compare", "Regions ranked by one indicator's consolidated value in one year.",
            params: [
                ParamSpec("indicator", .string, required: true, "indicator id"),
                ParamSpec("year", .integer(minimum: 1900, maximum: 2200), required: true, "the year"),
                ParamSpec("kind", .oneOf(["actual", "target"]), "actual (default) or target"),
                ParamSpec("level", .oneOf(["province", "city", "county", "township"]), "only regions of this level"),
                ParamSpec("within", .strings, "only sub-regions of these regions"),
                ParamSpec(
                    "measure", .oneOf(["level", "added"]),
                    "for stock indicators: rank the stock (level, the default) or what the year added (added)"),
            ], errors: [.notFound], paginated: true,
            .query { try await $0.compare($1) }),
        MethodSpec(
            "targets", "Targets against actuals for the same region, indicator and year.",
            params: [
                .region, .subregions, .year, .indicator,
                ParamSpec("status", .oneOf(["achieved", "missed", "pending"]), "only targets with this status"),
            ], errors: [.notFound], paginated: true,
            .query { try await $0.targets($1) }),
        MethodSpec(
            "summary", "A dashboard row per region and year.",
            params: [.region, .subregions, .year, .unindexed], errors: [.notFound],
            paginated: true,
            .query { try await $0.summary($1) }),
        MethodSpec(
            "documents", "Ingested documents with extraction statistics.",
            params: [
                .region, .subregions, .year, ParamSpec("q", .string, "text the document's name contains"), .unindexed,
            ], errors: [.notFound], paginated: true,
            .query { try await $0.documents($1) }),
        MethodSpec(
            "document",
            "One document with its articles and a page of its facts (facts_page says where it is; spans "
                + "index the text in Unicode scalars).",
            params: [
                ParamSpec("id", .integer(minimum: 1, maximum: Int(Int64.max)), "document id (or give name)"),
                ParamSpec("name", .string, "document name (or give id)"),
                ParamSpec("text", .boolean, "include the decoded text (default false)"), .unindexed,
                .limit, .offset, .cursor,
            ], errors: [.notFound],
            .query { try await $0.document($1) }),
        MethodSpec(
            "explain",
            "Where a fact comes from: document, article, sentence, span, the consolidated value it feeds "
                + "and the other sources of the same figure.",
            params: [ParamSpec("fact", .integer(minimum: 1, maximum: Int(Int64.max)), required: true, "fact id")],
            errors: [.notFound],
            .query { try await $0.explain($1) }),
    ]

    static let byName: [String: MethodSpec] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    static let errors: [(RPCError.Code, String)] = [
        (.parseError, "parse error: the line is not JSON (id is null)"),
        (.invalidRequest, "invalid request: not a request object"),
        (.methodNotFound, "unknown method"),
        (.invalidParams, "invalid params: data.param names the parameter"),
        (.internalError, "internal error"),
        (.databaseError, "database error: data.sqlstate"),
        (.tooManyConnections, "too many connections; the connection closes"),
        (.notFound, "no such region, document or fact: data.param names the parameter"),
        (.lineTooLong, "request line too long; the connection closes"),
        (.timeout, "the query ran past the statement timeout"),
        (.unavailable, "the database is unavailable"),
        (.lineTimeout, "request line not complete within the line timeout; the connection closes"),
        (.replyTooLarge, "the answer is larger than the reply limit: ask for fewer rows"),
    ]
}
