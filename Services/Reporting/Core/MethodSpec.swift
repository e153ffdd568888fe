import ZhibiaoProtocol

/// A parameter of a method, as `describe` lists it and `Params` checks it.
struct ParamSpec: Sendable {
    enum Kind: Sendable {
        case string
        case integer(minimum: Int, maximum: Int)
        case boolean
        /// One string or an array of strings.
        case strings
        case oneOf([String])

        var name: String {
            switch self {
            case .string: "string"
            case .integer: "integer"
            case .boolean: "boolean"
            case .strings: "string or array of strings"
            case .oneOf(let values): "one of " + values.joined(separator: ", ")
            }
        }
    }

    let name: String
    let kind: Kind
    let required: Bool
    let summary: String

    init(_ name: String, _ kind: Kind, required: Bool = false, _ summary: String) {
        self.name = name
        self.kind = kind
        self.required = required
        self.summary = summary
    }

    var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("name", .string(name)), ("type", .string(kind.name)), ("required", .bool(required)),
            ("description", .string(summary)),
        ]
        if case .oneOf(let values) = kind { members.append(("enum", .array(values.map(JSONValue.string)))) }
        if case .integer(let minimum, let maximum) = kind {
            members.append(("minimum", .int(minimum)))
            members.append(("maximum", .int(maximum)))
        }
        return .object(members)
    }

    static let limit = ParamSpec(
        "limit", .integer(minimum: 0, maximum: Int(Int32.max)),
        "rows per page (default and maximum: the server's row cap)")
    static let offset = ParamSpec(
        "offset", .integer(minimum: 0, maximum: Int(Int32.max)),
        "rows to skip (the previous page's next_offset; at most the server's max_offset)")
    static let cursor = ParamSpec(
        "cursor", .string,
        "start after the row this names: the previous page's next_cursor (instead of offset)")
    static let region = ParamSpec("region", .strings, "region codes or names (including their sub-regions)")
    static let subregions = ParamSpec(
        "subregions", .boolean,
        "include the sub-regions of `region` (default true)")
    static let year = ParamSpec("year", .integer(minimum: 1900, maximum: 2200), "one year")
    static let yearFrom = ParamSpec("year_from", .integer(minimum: 1900, maximum: 2200), "first year")
    static let yearTo = ParamSpec("year_to", .integer(minimum: 1900, maximum: 2200), "last year")
    static let kind = ParamSpec("kind", .oneOf(["actual", "target"]), "actual figures or targets")
    static let indicator = ParamSpec("indicator", .string, "indicator id (see `indicators`)")
    static let unindexed = ParamSpec(
        "unindexed", .boolean,
        "also count and list facts without an indicator (default false)")
    static let measure = ParamSpec(
        "measure", .oneOf(["level", "added"]),
        "for stock indicators: the stock (level) or what the period added (added)")
}

/// A method of the protocol: its name, parameters, errors, and what answers it. `describe` is generated from these,
/// and the dispatcher looks nothing else up.
struct MethodSpec: Sendable {
    /// What answers a method.
    enum Handler: Sendable {
        /// The server itself, from nothing the database holds: not cached, no `as_of`.
        case server(@Sendable (RequestDispatcher) -> JSONValue)
        /// A query over the `reporting` views: cached until new facts arrive, stamped with `as_of`.
        case query(@Sendable (ReportQueries, Params) async throws -> JSONValue)
    }

    let name: String
    let summary: String
    let params: [ParamSpec]
    /// Application errors it may return, besides the protocol's.
    let errors: [RPCError.Code]
    let paginated: Bool
    let handler: Handler

    init(
        _ name: String, _ summary: String, params: [ParamSpec] = [], errors: [RPCError.Code] = [],
        paginated: Bool = false, _ handler: Handler
    ) {
        self.name = name
        self.handler = handler
        self.summary = summary
        self.params = paginated ? params + [.limit, .offset, .cursor] : params
        self.errors = errors
        self.paginated = paginated
    }

    var json: JSONValue {
        .object([
            ("name", .string(name)), ("summary", .string(summary)), ("params", .array(params.map(\.json))),
            ("errors", .array(errors.map { .int($0.rawValue) })), ("paginated", .bool(paginated)),
        ])
    }
}
