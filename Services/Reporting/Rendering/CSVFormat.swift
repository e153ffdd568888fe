import ZhibiaoProtocol

/// An answer's rows as CSV for spreadsheets (RFC 4180): a header row of every field, CRLF line ends, fields holding
/// a comma, a quote or a line break quoted with inner quotes doubled. Every field is kept: exact numbers as
/// PostgreSQL gave them, the display forms beside them, nested values as their JSON text. No rows: no output.
public enum CSVFormat {
    public static func render(_ result: ResultRows) -> String {
        guard !result.rows.isEmpty else { return "" }
        let fields = result.allFields
        let records =
            [fields.map(field)]
            + result.rows.map { row in
                fields.map { field(text(row[$0] ?? .null)) }
            }
        return records.map { $0.joined(separator: ",") + "\r\n" }.joined()
    }

    static func text(_ value: JSONValue) -> String {
        switch value {
        case .null: ""
        case .bool(let flag): flag ? "true" : "false"
        case .number(let text), .string(let text): text
        case .array, .object: value.encoded()
        }
    }

    /// One field, quoted when it must be.
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
            return text
        }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
