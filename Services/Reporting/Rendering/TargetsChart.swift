import Foundation
import ZhibiaoProtocol

/// Targets against actuals, one row each (region, year, indicator): a bar for the actual in the colour of its status
/// and a black mark at the target, on the row's own scale (indicators differ in unit). Growth targets compare
/// growth rates; a pending target shows its mark alone.
public struct TargetsChart: Sendable {
    public struct Row: Sendable {
        public let label: String
        public let target: Decimal?
        public let actual: Decimal?
        public let targetText: String
        public let actualText: String?
        public let status: String
    }

    /// How each status reads and is coloured.
    public static let statuses: [String: (text: String, color: String)] = [
        "achieved": ("已完成", "#2ca02c"), "missed": ("未完成", "#d62728"), "pending": ("待定", "#999999"),
    ]

    public let title: String
    public let subtitle: String
    public let rows: [Row]

    /// A chart from `targets` rows; `indicatorNames` gives each indicator id its Chinese name.
    public init(title: String, subtitle: String, rows: [JSONValue], indicatorNames: [String: String]) {
        self.title = title
        self.subtitle = subtitle
        self.rows = rows.map { row in
            let indicator = row["indicator"]?.stringValue ?? ""
            let isGrowth = row["target_base_value"]?.decimalValue == nil
            return Row(
                label: [
                    row["region"]?.stringValue ?? "", row["year"]?.intValue.map(String.init) ?? "",
                    indicatorNames[indicator] ?? indicator,
                ].joined(separator: " "),
                target: isGrowth ? row["target_growth_pct"]?.decimalValue : row["target_base_value"]?.decimalValue,
                actual: isGrowth ? row["actual_growth_pct"]?.decimalValue : row["actual_base_value"]?.decimalValue,
                targetText: row["target_display"]?.stringValue ?? "", actualText: row["actual_display"]?.stringValue,
                status: row["status"]?.stringValue ?? "pending")
        }
    }

    static let width = 760.0
    static let rowHeight = 76.0

    public var svg: String {
        var content = [
            SVG.text(title, x: 16, y: 26, size: 17, weight: "bold", className: "zb-title"),
            SVG.text(subtitle, x: 16, y: 46, size: 12, fill: "#666"),
        ]
        let top = 64.0
        let left = 16.0
        let plotWidth = Self.width - left - 150
        for (index, row) in rows.enumerated() {
            let y = top + Double(index) * Self.rowHeight
            let status = Self.statuses[row.status] ?? (row.status, "#999999")
            content.append(SVG.text(row.label, x: left, y: y + 16, size: 13, weight: "bold", className: "zb-row"))
            content.append(
                SVG.text(
                    status.text, x: Self.width - 16, y: y + 16, size: 13, anchor: "end",
                    fill: status.color, className: "zb-status zb-\(row.status)"))
            let values = [row.target, row.actual].compactMap { $0?.double }
            let low = min(0, values.min() ?? 0)
            let high = max(0, values.max() ?? 1) * 1.1
            let span = high - low == 0 ? 1 : high - low
            func x(_ value: Double) -> Double { left + (value - low) / span * plotWidth }
            let barY = y + 24
            content.append(
                "<rect x=\"\(SVG.number(left))\" y=\"\(SVG.number(barY))\" "
                    + "width=\"\(SVG.number(plotWidth))\" height=\"14\" fill=\"#f0f0f0\"/>")
            if let actual = row.actual?.double {
                let (from, to) = (x(0), x(actual))
                content.append(
                    "<rect class=\"zb-actual-bar\" x=\"\(SVG.number(min(from, to)))\" "
                        + "y=\"\(SVG.number(barY))\" width=\"\(SVG.number(max(abs(to - from), 1)))\" height=\"14\" "
                        + "fill=\"\(status.color)\"/>")
            }
            if let target = row.target?.double {
                content.append(
                    "<line class=\"zb-target-mark\" x1=\"\(SVG.number(x(target)))\" "
                        + "y1=\"\(SVG.number(barY - 4))\" x2=\"\(SVG.number(x(target)))\" y2=\"\(SVG.number(barY + 18))\" "
                        + "stroke=\"#111\" stroke-width=\"2.5\"/>")
            }
            let caption = row.targetText + "　实际：" + (row.actualText ?? "尚无")
            content.append(SVG.text(caption, x: left, y: barY + 32, size: 12, fill: "#444", className: "zb-label"))
        }
        if rows.isEmpty {
            content.append(SVG.text("没有目标", x: Self.width / 2, y: top + 30, size: 14, anchor: "middle"))
        }
        let height = top + Double(max(rows.count, 1)) * Self.rowHeight + 8
        return SVG.element(
            kind: "targets", width: Self.width, height: height, title: title,
            description: subtitle, content: content)
    }

    public var document: String { SVG.document(svg) }
}
