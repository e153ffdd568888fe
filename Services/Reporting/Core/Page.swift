import Foundation
import ZhibiaoProtocol

/// A column (or expression) a list is ordered by (ascending). A list's keys are never null and unique together, so the
/// last row's keys say exactly where the next page starts: that is the cursor.
struct PageKey: Sendable {
    enum Kind: Sendable {
        case integer, text, textArray
    }

    let column: String
    let kind: Kind

    static func integer(_ column: String) -> PageKey { PageKey(column: column, kind: .integer) }
    static func text(_ column: String) -> PageKey { PageKey(column: column, kind: .text) }
    static func textArray(_ column: String) -> PageKey { PageKey(column: column, kind: .textArray) }
    /// A nullable text column, keyed as `coalesce(column, '')`: a row comparison with a NULL in it is NULL, which would
    /// end a page early, and '' sorts before any other text, as `NULLS FIRST` does. The column must never hold ''.
    static func nullableText(_ column: String) -> PageKey {
        PageKey(column: "coalesce(\(column), '')", kind: .text)
    }

    /// SQL reading this key's value from element `index` of the jsonb array parameter `parameter`.
    func value(in parameter: String, at index: Int) -> String {
        switch kind {
        case .integer: "(\(parameter)::jsonb->>\(index))::bigint"
        case .text: "(\(parameter)::jsonb->>\(index))"
        case .textArray: "ARRAY(SELECT jsonb_array_elements_text(\(parameter)::jsonb->\(index)))"
        }
    }

    func accepts(_ value: JSONValue) -> Bool {
        func text(_ value: JSONValue) -> Bool {
            value.stringValue.map { !$0.unicodeScalars.contains("\u{0}") } ?? false
        }
        switch kind {
        case .integer: return value.intValue != nil
        case .text: return text(value)
        case .textArray: return value.arrayValue?.allSatisfy(text) ?? false
        }
    }
}

/// Cursors: the JSON array of a row's keys (as PostgreSQL's `json_build_array` writes it), in URL-safe base64 so that
/// clients treat it as opaque.
enum PageCursor {
    static func encode(_ keys: String) -> String {
        Data(keys.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The cursor's key values as JSON text to bind, checked against `keys`; `-32602` for anything else.
    static func decode(_ cursor: String, keys: [PageKey]) throws(RPCError) -> String {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.utf8.count % 4) % 4)
        guard let data = Data(base64Encoded: base64),
            let values = (try? JSONValue(parsing: data, limits: .request))?.arrayValue,
            values.count == keys.count, zip(keys, values).allSatisfy({ $0.accepts($1) })
        else {
            throw RPCError.invalidParam("cursor", "cursor is not a next_cursor of this list")
        }
        return JSONValue.array(values).encoded()
    }
}

/// One page of a list, as every paginated method answers it.
struct Page: Sendable {
    var total: Int
    var limit: Int
    /// Nil when the page was asked for by cursor.
    var offset: Int?
    var nextOffset: Int?
    var nextCursor: String?
    var rows: [JSONValue]

    /// Everything but the rows: `total`, `limit`, `offset`, `next_offset`, `next_cursor`.
    var position: [(String, JSONValue)] {
        [
            ("total", .int(total)), ("limit", .int(limit)), ("offset", offset.map(JSONValue.int) ?? .null),
            ("next_offset", nextOffset.map(JSONValue.int) ?? .null),
            ("next_cursor", nextCursor.map(JSONValue.string) ?? .null),
        ]
    }

    var json: JSONValue { .object(position + [("rows", .array(rows))]) }
}
