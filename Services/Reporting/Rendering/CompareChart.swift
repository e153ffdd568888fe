import Foundation
import ZhibiaoProtocol

/// A ranked bar chart of one indicator in one year: a horizontal bar per region, largest first, its value written at
/// the bar's end. Values when regions state them, else growth rates (an indicator reported only as growth).
public struct CompareChart: Sendable {
    public struct Bar: Sendable {
        public let rank: Int
        public let region: String
        public let value: Decimal
        public let label: String
    }

    public let title: String
    public let subtitle: String
    public let bars: [Bar]
    /// Regions that state only a growth rate when the others state values, as text.
    public let omitted: [String]

    /// A chart from `compare` rows (ranked).
    public init(title: String, subtitle: String, rows: [JSONValue]) {
        let byValue = rows.contains { $0["base_value"]?.decimalValue != nil }
        var bars: [Bar] = []
        var omitted: [String] = []
        for row in rows {
            let region = row["region"]?.stringValue ?? row["region_code"]?.stringValue ?? "?"
            let rank = row["rank"]?.intValue ?? bars.count + 1
            if byValue, let value = row["base_value"]?.decimalValue {
                bars.append(
                    Bar(
                        rank: rank, region: region, value: value,
                        label: row["display"]?.stringValue
                            ?? DisplayFormat.value(
                                value, unitClass: row["unit_class"]?.stringValue,
                                unit: row["unit"]?.stringValue)))
            } else if !byValue, let growth = row["growth_pct"]?.decimalValue {
                bars.append(Bar(rank: rank, region: region, value: growth, label: DisplayFormat.growth(growth)))
            } else {
                omitted.append(region + (row["growth_display"]?.stringValue.map { " " + $0 } ?? ""))
            }
        }
        self.title = title
        self.subtitle = subtitle
        self.bars = bars
        self.omitted = omitted
    }

    static let width = 760.0
    static let rowHeight = 30.0

    public var svg: String {
        var content = [
            SVG.text(title, x: 16, y: 26, size: 17, weight: "bold", className: "zb-title"),
            SVG.text(subtitle, x: 16, y: 46, size: 12, fill: "#666"),
        ]
        let top = 70.0
        guard !bars.isEmpty else {
            content.append(SVG.text("没有数据", x: Self.width / 2, y: top + 30, size: 14, anchor: "middle"))
            return SVG.element(
                kind: "compare", width: Self.width, height: top + 60, title: title,
                description: subtitle, content: content)
        }
        let names = bars.map { "\($0.rank). \($0.region)" }
        let labelWidth = min(names.map { SVG.textWidth($0, size: 13) }.max()! + 24, 260)
        let valueRoom = min(bars.map { SVG.textWidth($0.label, size: 12) }.max()! + 16, 200)
        let plotLeft = labelWidth
        let plotWidth = Self.width - plotLeft - valueRoom - 16
        let values = bars.map(\.value.double)
        let low = min(0, values.min()!)
        let high = max(0, values.max()!)
        let span = high - low == 0 ? 1 : high - low
        func x(_ value: Double) -> Double { plotLeft + (value - low) / span * plotWidth }
        let zero = x(0)
        for (index, bar) in bars.enumerated() {
            let y = top + Double(index) * Self.rowHeight
            let end = x(bar.value.double)
            content.append(
                SVG.text(
                    names[index], x: plotLeft - 10, y: y + 18, size: 13, anchor: "end",
                    className: "zb-region"))
            content.append(
                "<rect class=\"zb-bar\" data-region=\"\(bar.region.markupEscaped)\" "
                    + "x=\"\(SVG.number(min(zero, end)))\" y=\"\(SVG.number(y + 5))\" "
                    + "width=\"\(SVG.number(max(abs(end - zero), 1)))\" height=\"\(SVG.number(Self.rowHeight - 10))\" "
                    + "fill=\"\(SVG.color(0))\"><title>\(("\(bar.region)：\(bar.label)").markupEscaped)</title></rect>")
            content.append(SVG.text(bar.label, x: max(zero, end) + 6, y: y + 19, size: 12, className: "zb-label"))
        }
        var height = top + Double(bars.count) * Self.rowHeight
        content.append(SVG.line(zero, top, zero, height, stroke: "#999"))
        height += 10
        if !omitted.isEmpty {
            height += 14
            content.append(
                SVG.text(
                    "仅有增速：" + omitted.joined(separator: "、"), x: 16, y: height, size: 12,
                    fill: "#555", className: "zb-note"))
        }
        return SVG.element(
            kind: "compare", width: Self.width, height: height + 12, title: title,
            description: subtitle, content: content)
    }

    public var document: String { SVG.document(svg) }
}
