import ZhibiaoModels

/// Renders a result's `rows` (or the result itself) as an aligned text table for a terminal.
enum TableRenderer {
    static func render(_ result: JSONValue) -> String {
        let rows: [JSONValue]
        if let list = result["rows"]?.arrayValue {
            rows = list
        } else if let facts = result["facts"]?.arrayValue {
            rows = facts
        } else {
            rows = [result]
        }
        guard let first = rows.first?.objectValue else { return result.encoded() }
        let columns = first.map(\.0)
        let cells = rows.map { row in columns.map { cell(row[$0] ?? .null) } }
        let widths = columns.indices.map { index in
            ([columns[index]] + cells.map { $0[index] }).map(displayWidth).max() ?? 0
        }
        func line(_ values: [String]) -> String {
            zip(values, widths).map { $0 + String(repeating: " ", count: max(0, $1 - displayWidth($0))) }
                .joined(separator: "  ")
        }
        var output = [line(columns), line(widths.map { String(repeating: "-", count: $0) })]
        output += cells.map(line)
        if let total = result["total"]?.intValue {
            output.append("(\(rows.count) of \(total) rows\(result["as_of"]?.stringValue.map { ", as of \($0)" } ?? ""))")
        }
        return output.joined(separator: "\n")
    }

    private static func cell(_ value: JSONValue) -> String {
        switch value {
        case .null: ""
        case .string(let text): text.count > 60 ? String(text.prefix(59)) + "…" : text
        default: value.encoded()
        }
    }

    /// Terminal columns: CJK characters take two.
    static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { width, scalar in
            width + ((0x1100...0x115F).contains(scalar.value) || (0x2E80...0xA4CF).contains(scalar.value)
                || (0xAC00...0xD7A3).contains(scalar.value) || (0xF900...0xFAFF).contains(scalar.value)
                || (0xFF00...0xFF60).contains(scalar.value) || (0xFFE0...0xFFE6).contains(scalar.value) ? 2 : 1)
        }
    }
}
