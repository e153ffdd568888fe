import Foundation
import ZhibiaoPostgres
import ZhibiaoProtocol
import ZhibiaoRendering

/// The display forms answers carry beside their exact numbers (docs/protocol.md, "Display forms"): `42.5 亿元` next
/// to `base_value: 4250000000`, `+7.07 %` next to `growth_pct: 7.07`. Which fields each method gets is the table
/// `DisplayForms.fields`; `summary`, whose nested maps name no units, is completed from the consolidated view.
enum DisplayForms {
    /// A field added to a row, computed from the row's own members.
    enum Form: Sendable {
        /// A value in its unit: base value, unit class, unit as written, qualifier (member names).
        case value(base: String, unitClass: String, unit: String, qualifier: String?)
        /// A signed growth rate: the first of these members that is not null.
        case growth([String])
        /// A target as reports state it: `目标：240 亿元以上`, `目标：增长 7 %`.
        case target
        /// The actual a target is measured against: a value for a value target, a growth rate for a growth target.
        case targetActual
    }

    static let fact: [(String, Form)] = [
        ("display", .value(base: "base_value", unitClass: "unit_class", unit: "unit", qualifier: "qualifier")),
        ("growth_display", .growth(["growth_pct"])),
    ]

    /// Where each method's rows are (`rows`, or named members) and the fields they get.
    static let fields: [String: [(member: String, isList: Bool, forms: [(String, Form)])]] = [
        "facts": [("rows", true, fact)],
        "series": [
            (
                "rows", true,
                [
                    (
                        "display",
                        .value(base: "base_value", unitClass: "unit_class", unit: "unit", qualifier: "qualifier")
                    ),
                    ("growth_display", .growth(["stated_growth_pct", "computed_growth_pct"])),
                    ("change_display", .growth(["change_pct"])),
                ]
            )
        ],
        "compare": [("rows", true, fact)],
        "targets": [("rows", true, [("target_display", .target), ("actual_display", .targetActual)])],
        "document": [("facts", true, fact)],
        "explain": [("fact", false, fact), ("consolidated", false, fact), ("other_sources", true, fact)],
    ]

    /// `body` with the display fields of `method` added (unchanged for methods without numbers to show).
    static func adding(to body: JSONValue, method: String) -> JSONValue {
        guard let places = fields[method] else { return body }
        var body = body
        for place in places {
            body = body.updating(place.member) { value in
                place.isList
                    ? .array((value.arrayValue ?? []).map { $0.adding(forms: place.forms) })
                    : value.adding(forms: place.forms)
            }
        }
        return body
    }

    static func render(_ form: Form, of row: JSONValue) -> String? {
        switch form {
        case .value(let base, let unitClass, let unit, let qualifier):
            guard let value = row[base]?.decimalValue else { return nil }
            return DisplayFormat.value(
                value, unitClass: row[unitClass]?.stringValue, unit: row[unit]?.stringValue,
                qualifier: qualifier.flatMap { row[$0]?.stringValue })
        case .growth(let members):
            return members.lazy.compactMap { row[$0]?.decimalValue }.first.map(DisplayFormat.growth)
        case .target:
            return DisplayFormat.target(
                base: row["target_base_value"]?.decimalValue, unitClass: row["unit_class"]?.stringValue,
                unit: row["target_unit"]?.stringValue, qualifier: row["target_qualifier"]?.stringValue,
                growthPercent: row["target_growth_pct"]?.decimalValue)
        case .targetActual:
            if row["target_base_value"]?.decimalValue != nil {
                return render(
                    .value(
                        base: "actual_base_value", unitClass: "unit_class", unit: "target_unit",
                        qualifier: nil), of: row)
            }
            return render(.growth(["actual_growth_pct"]), of: row)
        }
    }

    // MARK: summary

    /// One consolidated figure behind a summary's `actuals` or `targets` map.
    struct Figure {
        let base: Decimal?
        let unitClass: String?
        let unit: String?
        let qualifier: String?
        let growth: Decimal?

        var valueDisplay: String? {
            base.map { DisplayFormat.value($0, unitClass: unitClass, unit: unit, qualifier: qualifier) }
                ?? growth.map(DisplayFormat.growth)
        }

        var targetDisplay: String? {
            DisplayFormat.target(
                base: base, unitClass: unitClass, unit: unit, qualifier: qualifier,
                growthPercent: growth)
        }
    }

    /// The summary's maps of figures by indicator: which consolidated rows each holds (kind, and whether they are
    /// what a year added, measure `added`). Each map present gets a `<map>_display` twin.
    static let summaryMaps: [(member: String, kind: String, added: Bool)] = [
        ("actuals", "actual", false), ("targets", "target", false),
        ("actuals_added", "actual", true), ("targets_added", "target", true),
    ]

    /// The key of a consolidated figure in `summaryRow`'s `figures`.
    static func figureKey(kind: String, added: Bool, indicator: String) -> String {
        "\(kind)/\(added ? "added" : "stock")/\(indicator)"
    }

    /// A summary row with `gdp_display`, `gdp_growth_display` and a display twin of each map (`actuals_display` …);
    /// `figures` holds the consolidated rows of its region and year by `figureKey`.
    static func summaryRow(_ row: JSONValue, figures: [String: Figure]) -> JSONValue {
        let maps = summaryMaps.filter { row[$0.member] != nil }.map { map -> (String, JSONValue) in
            let show: (Figure) -> String? = map.kind == "target" ? \.targetDisplay : \.valueDisplay
            return (
                map.member + "_display",
                .object(
                    (row[map.member]?.objectValue ?? []).compactMap { indicator, _ in
                        figures[figureKey(kind: map.kind, added: map.added, indicator: indicator)].flatMap(show)
                            .map { (indicator, .string($0)) }
                    })
            )
        }
        return row.adding(
            [
                (
                    "gdp_display",
                    row["gdp"]?.decimalValue.map {
                        .string(DisplayFormat.value($0, unitClass: "CNY", unit: nil))
                    } ?? .null
                ),
                (
                    "gdp_growth_display",
                    row["gdp_growth_pct"]?.decimalValue.map {
                        .string(DisplayFormat.growth($0))
                    } ?? .null
                ),
            ] + maps)
    }
}

extension ReportQueries {
    /// The method's answer with its display forms (see `DisplayForms`).
    func addingDisplayForms(_ method: String, to body: JSONValue) async throws -> JSONValue {
        guard method == "summary" else { return DisplayForms.adding(to: body, method: method) }
        let rows = body["rows"]?.arrayValue ?? []
        let keys = rows.compactMap { row in row["region_code"]?.stringValue.map { ($0, row["year"]?.intValue ?? 0) } }
        // Every column: `measure` tells a stock from what a year added.
        let consolidated =
            keys.isEmpty
            ? []
            : try await self.rows(
                """
                SELECT * FROM reporting.consolidated
                WHERE (region_code, year) IN (SELECT * FROM unnest($1::text[], $2::int[]))
                """, [PostgresArray(keys.map(\.0)), PostgresArray(keys.map { String($0.1) })])
        var figures: [String: [String: DisplayForms.Figure]] = [:]
        for row in consolidated {
            guard let region = row["region_code"]?.stringValue, let year = row["year"]?.intValue,
                let kind = row["kind"]?.stringValue, let indicator = row["indicator"]?.stringValue
            else { continue }
            let key = DisplayForms.figureKey(
                kind: kind, added: row["measure"]?.stringValue == "added",
                indicator: indicator)
            figures["\(region)/\(year)", default: [:]][key] = DisplayForms.Figure(
                base: row["base_value"]?.decimalValue, unitClass: row["unit_class"]?.stringValue,
                unit: row["unit"]?.stringValue, qualifier: row["qualifier"]?.stringValue,
                growth: row["growth_pct"]?.decimalValue)
        }
        return body.updating("rows") { value in
            .array(
                (value.arrayValue ?? []).map { row in
                    let key = "\(row["region_code"]?.stringValue ?? "")/\(row["year"]?.intValue ?? 0)"
                    return DisplayForms.summaryRow(row, figures: figures[key] ?? [:])
                })
        }
    }
}

extension JSONValue {
    /// An object with `members` appended (other values unchanged).
    fileprivate func adding(_ members: [(String, JSONValue)]) -> JSONValue {
        guard case .object(let existing) = self else { return self }
        return .object(existing + members)
    }

    /// An object with the display `forms` computed from its members appended (null where there is nothing to show).
    fileprivate func adding(forms: [(String, DisplayForms.Form)]) -> JSONValue {
        adding(forms.map { name, form in (name, DisplayForms.render(form, of: self).map(JSONValue.string) ?? .null) })
    }

    /// An object with member `key` replaced by `transform` of it (unchanged when absent).
    fileprivate func updating(_ key: String, _ transform: (JSONValue) -> JSONValue) -> JSONValue {
        guard case .object(let members) = self, members.contains(where: { $0.0 == key }) else { return self }
        return .object(members.map { $0.0 == key ? ($0.0, transform($0.1)) : $0 })
    }
}
