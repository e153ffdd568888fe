import ZhibiaoProtocol

/// An answer as an aligned text table for a terminal: as wide as the terminal at most (the widest columns give way,
/// their cells cut with `…`), nested values summarised on one line, "no rows" for an empty list, and an answer that
/// is one object shown as field/value lines.
public enum TextTable {
    public static func render(_ result: ResultRows, width: Int) -> String {
        let footer = result.footer.map { [$0] } ?? []
        guard !result.rows.isEmpty else { return (["no rows"] + footer).joined(separator: "\n") }
        let headers: [String]
        let cells: [[String]]
        if result.isSingleObject {
            let members = result.rows[0].objectValue ?? []
            headers = ["field", "value"]
            cells = members.map { [$0.0, summary($0.1)] }
        } else {
            let columns = result.columns ?? result.allFields.map { ($0, $0) }
            headers = columns.map(\.header)
            cells = result.rows.map { row in columns.map { summary(row[$0.field] ?? .null) } }
        }
        let widths = fit(
            headers.indices.map { index in ([headers[index]] + cells.map { $0[index] }).map(displayWidth).max() ?? 0 },
            into: width)
        func line(_ values: [String]) -> String {
            zip(values, widths).map { value, width in
                let cut = truncate(value, to: width)
                return cut + String(repeating: " ", count: max(0, width - displayWidth(cut)))
            }.joined(separator: separator).trimmingTrailingSpaces()
        }
        let lines = [line(headers), line(widths.map { String(repeating: "-", count: $0) })] + cells.map(line)
        return (lines + footer).joined(separator: "\n")
    }

    static let separator = "  "
    /// No column is narrowed below this (or below its natural width, when less).
    static let minimumColumnWidth = 6
    /// Columns this narrow (numbers with their units, codes, years) give way only when the wide ones are not enough.
    static let shortColumn = 16

    /// Column widths within `total` columns: the widest column gives one column at a time until the table fits —
    /// the long ones (free text) first, down to the minimum, then, if need be, the short ones too.
    static func fit(_ natural: [Int], into total: Int) -> [Int] {
        var widths = natural
        let available = total - separator.count * max(widths.count - 1, 0)
        let floors = [
            natural.map { $0 <= shortColumn ? $0 : minimumColumnWidth },
            natural.map { min($0, minimumColumnWidth) },
        ]
        for floor in floors {
            while widths.reduce(0, +) > available,
                let widest = widths.indices.filter({ widths[$0] > floor[$0] }).max(by: { widths[$0] < widths[$1] })
            {
                widths[widest] -= 1
            }
        }
        return widths
    }

    /// One line for any JSON value: text as is (line breaks as spaces), lists of plain values (or of objects with a
    /// `name`) joined, an object by its `display` or its plain members, anything deeper by its size.
    public static func summary(_ value: JSONValue) -> String {
        switch value {
        case .null: return ""
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let text): return text
        case .string(let text): return text.split(whereSeparator: \.isNewline).joined(separator: " ")
        case .array(let elements):
            let plain = elements.compactMap { $0["name"]?.stringValue ?? plainText($0) }
            return plain.count == elements.count ? plain.joined(separator: ", ") : "\(elements.count) items"
        case .object(let members):
            if let display = value["display"]?.stringValue { return display }
            return members.map { key, member in key + " " + (plainText(member) ?? "{…}") }.joined(separator: ", ")
        }
    }

    private static func plainText(_ value: JSONValue) -> String? {
        switch value {
        case .array, .object: nil
        case .null: "—"
        default: summary(value)
        }
    }

    /// `text` cut to `width` terminal columns, ending in `…` when cut.
    static func truncate(_ text: String, to width: Int) -> String {
        guard displayWidth(text) > width else { return text }
        var result = ""
        var used = 0
        for character in text {
            let next = displayWidth(String(character))
            if used + next > width - 1 { break }
            result.append(character)
            used += next
        }
        return result + "…"
    }

    /// Terminal columns: East Asian wide characters take two.
    public static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { width, scalar in
            width
                + ((0x1100...0x115F).contains(scalar.value) || (0x2E80...0xA4CF).contains(scalar.value)
                    || (0xAC00...0xD7A3).contains(scalar.value) || (0xF900...0xFAFF).contains(scalar.value)
                    || (0xFF00...0xFF60).contains(scalar.value) || (0xFFE0...0xFFE6).contains(scalar.value) ? 2 : 1)
        }
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
