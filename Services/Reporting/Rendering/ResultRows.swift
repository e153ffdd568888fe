import ZhibiaoProtocol

/// The rows of an answer, as tables and CSV show them: a list's `rows`, a document's `facts`, describe's `methods`,
/// or the answer itself as one row. For a person (`columns`), each method's rows show the display forms in place of
/// the exact numbers they render; CSV keeps every field.
public struct ResultRows: Sendable {
    /// The rows, in order (each an object).
    public let rows: [JSONValue]
    /// `(n of total rows, as of …)` for a page; nil otherwise.
    public let footer: String?
    /// True when the answer is one object rather than a list: tables show it as field/value lines.
    public let isSingleObject: Bool
    /// The fields a person reads, with their headers; nil: every field.
    public let columns: [(header: String, field: String)]?

    /// Per method: the member holding its rows (nil: `rows`) and the fields a table shows as `header=field`
    /// (`value=display` shows the display form under the header `value`).
    static let layouts: [String: (member: String?, fields: [String])] = [
        "regions": (nil, ["code", "name", "level", "parent_code", "depth", "facts", "facts_total"]),
        "indicators": (nil, ["id", "unit_class", "flow", "names", "facts", "regions"]),
        "facts": (
            nil,
            [
                "id", "doc", "region", "year", "kind", "indicator", "value=display", "growth=growth_display",
                "evidence",
            ]
        ),
        "series": (
            nil,
            [
                "region", "indicator", "year", "value=display", "growth=growth_display",
                "change=change_display", "n_sources", "conflict",
            ]
        ),
        "compare": (
            nil,
            [
                "rank", "region", "level", "value=display", "growth=growth_display", "n_sources",
                "conflict",
            ]
        ),
        "targets": (nil, ["region", "year", "indicator", "target=target_display", "actual=actual_display", "status"]),
        "summary": (
            nil,
            [
                "region", "year", "gdp=gdp_display", "growth=gdp_growth_display", "actual_indicators",
                "target_indicators", "conflicts", "documents", "actuals=actuals_display",
            ]
        ),
        "documents": (nil, ["id", "name", "published_on", "characters", "articles", "facts", "targets", "years"]),
        "document": (
            "facts",
            [
                "id", "region", "year", "kind", "indicator", "value=display",
                "growth=growth_display", "evidence",
            ]
        ),
        "describe": ("methods", ["name", "summary", "params", "paginated"]),
    ]

    /// The rows of `result`, the answer to `method` (nil when unknown, as for requests read from stdin).
    public init(_ result: JSONValue, method: String?) {
        let layout = method.flatMap { Self.layouts[$0] }
        var footer: String?
        if let member = layout?.member, let list = result[member]?.arrayValue {
            rows = list
            isSingleObject = false
            footer = result["facts_page"]?["total"]?.intValue.map { "(\(list.count) of \($0) rows)" }
        } else if let list = result["rows"]?.arrayValue {
            rows = list
            isSingleObject = false
        } else {
            rows = [result]
            isSingleObject = true
        }
        if let total = result["total"]?.intValue {
            footer = "(\(rows.count) of \(total) rows\(result["as_of"]?.stringValue.map { ", as of \($0)" } ?? ""))"
        }
        self.footer = footer
        columns =
            isSingleObject
            ? nil
            : layout.map { layout in
                layout.fields.map { field in
                    let parts = field.split(separator: "=", maxSplits: 1).map(String.init)
                    return (parts[0], parts.count == 2 ? parts[1] : parts[0])
                }
            }
    }

    /// Every field of the rows, in the order they first appear.
    public var allFields: [String] {
        var seen: Set<String> = []
        var fields: [String] = []
        for row in rows {
            for (key, _) in row.objectValue ?? [] where seen.insert(key).inserted { fields.append(key) }
        }
        return fields
    }
}
