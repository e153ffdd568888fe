import Foundation

/// What the charts share: escaping, a text-width estimate for layout, axis ticks, colours and the outer element.
/// Charts are plain SVG 1.1 (no script), readable as a file or inline in HTML.
enum SVG {
    /// Chinese first: the Noto CJK fonts Debian's `fonts-noto-cjk` installs, then what other systems have.
    static let fontFamily =
        "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'PingFang SC', "
        + "'Microsoft YaHei', sans-serif"

    /// One colour per region, in the order regions come.
    static let palette = [
        "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
        "#bcbd22", "#17becf",
    ]

    static func color(_ index: Int) -> String { palette[index % palette.count] }

    /// About how wide `text` draws at `size` pixels: a CJK character is square, Latin letters and digits about
    /// 0.6 of the size. Enough to leave room for labels.
    static func textWidth(_ text: String, size: Double) -> Double {
        text.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x2E80 ? 1.0 : 0.6) } * size
    }

    /// A coordinate with at most one decimal.
    static func number(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    /// `<text>` at (x, y); `anchor` is start, middle or end.
    static func text(
        _ content: String, x: Double, y: Double, size: Double = 12, anchor: String = "start", weight: String? = nil,
        fill: String = "#333", className: String? = nil
    ) -> String {
        var attributes = "x=\"\(number(x))\" y=\"\(number(y))\" font-size=\"\(number(size))\""
        if anchor != "start" { attributes += " text-anchor=\"\(anchor)\"" }
        if let weight { attributes += " font-weight=\"\(weight)\"" }
        if let className { attributes += " class=\"\(className)\"" }
        return "<text \(attributes) fill=\"\(fill)\">\(content.markupEscaped)</text>"
    }

    static func line(
        _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1,
        dash: String? = nil
    ) -> String {
        "<line x1=\"\(number(x1))\" y1=\"\(number(y1))\" x2=\"\(number(x2))\" y2=\"\(number(y2))\" "
            + "stroke=\"\(stroke)\" stroke-width=\"\(number(width))\""
            + (dash.map { " stroke-dasharray=\"\($0)\"" } ?? "")
            + "/>"
    }

    /// The outer `<svg>` element: a title and description for screen readers, then `content`.
    static func element(
        kind: String, width: Double, height: Double, title: String, description: String, content: [String]
    ) -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" class="zb-chart zb-\(kind)" width="\(number(width))" \
        height="\(number(height))" viewBox="0 0 \(number(width)) \(number(height))" role="img" \
        font-family="\(fontFamily.markupEscaped)">
        <title>\(title.markupEscaped)</title>
        <desc>\(description.markupEscaped)</desc>
        <rect width="100%" height="100%" fill="#ffffff"/>
        \(content.joined(separator: "\n"))
        </svg>
        """
    }

    /// A standalone `.svg` file's text.
    static func document(_ element: String) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + element + "\n"
    }
}

/// Round axis ticks (1, 2 or 5 times a power of ten apart) covering a range.
enum AxisTicks {
    /// About `count` ticks from at or below `low` to at or above `high`.
    static func covering(_ low: Double, _ high: Double, count: Int = 5) -> [Double] {
        var low = low
        var high = high
        if low == high {
            let pad = low == 0 ? 1 : abs(low) * 0.1
            low -= pad
            high += pad
        }
        let rough = (high - low) / Double(max(count, 1))
        let power = pow(10, floor(log10(rough)))
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= rough } ?? 10 * power
        let first = floor(low / step) * step
        let last = ceil(high / step) * step
        return stride(from: first, through: last + step / 2, by: step).map { ($0 / step).rounded() * step }
    }

    /// A tick's label: the number without float noise (`0.30000000000000004` → `0.3`).
    static func label(_ value: Double) -> String {
        DisplayFormat.number(Decimal(string: String(format: "%.6f", value)) ?? 0)
    }
}

extension String {
    /// The text escaped for XML or HTML content and attribute values.
    var markupEscaped: String {
        var escaped = ""
        for character in self {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}

extension Decimal {
    /// For geometry only: labels keep the exact decimal.
    var double: Double { NSDecimalNumber(decimal: self).doubleValue }
}
