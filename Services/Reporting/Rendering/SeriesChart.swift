import Foundation
import ZhibiaoProtocol

/// A line chart of one indicator over the years: a line per region (filled points for actuals), years on x, the
/// indicator's unit on y, and targets drawn apart as hollow diamonds joined to the last actual by a dashed line.
/// A growth-only target is drawn where it puts the value (the previous year's actual grown by it); one without a
/// previous actual is listed under the chart.
public struct SeriesChart: Sendable {
    public struct Point: Sendable {
        public let year: Int
        /// In base units (yuan, persons …).
        public let value: Decimal
        public let label: String
    }

    public struct Line: Sendable {
        public let region: String
        public var actuals: [Point]
        public var targets: [Point]
    }

    public let title: String
    public let subtitle: String
    public let unitClass: String?
    public let unit: String?
    public let lines: [Line]
    /// Targets that cannot be placed on the value axis, as text (`平江县 2024 目标：增长 7 %`).
    public let unplacedTargets: [String]
    /// Each line's colour (an index into the palette): its region's place in the order, drawn or not.
    let colors: [Int]

    /// A chart from `series` rows and `targets` rows of the same indicator. Lines come in `regionOrder` (so that
    /// charts side by side give a region the same colour), then in the order the rows bring the others. Where rows
    /// tell a stock from what a year adds (`measure`), the added figures get a line of their own.
    public init(
        title: String, subtitle: String, series: [JSONValue], targets: [JSONValue], regionOrder: [String] = []
    ) {
        var lines: [Line] = []
        var index: [String: Int] = [:]
        func line(_ region: String) -> Int {
            if let found = index[region] { return found }
            lines.append(Line(region: region, actuals: [], targets: []))
            index[region] = lines.count - 1
            return lines.count - 1
        }
        var unitClass: String?
        var unit: String?
        for row in series {
            guard let region = Self.lineName(row), let year = row["year"]?.intValue,
                let value = row["base_value"]?.decimalValue
            else { continue }
            unitClass = unitClass ?? row["unit_class"]?.stringValue
            unit = unit ?? row["unit"]?.stringValue
            let label =
                row["display"]?.stringValue
                ?? DisplayFormat.value(value, unitClass: row["unit_class"]?.stringValue, unit: row["unit"]?.stringValue)
            lines[line(region)].actuals.append(Point(year: year, value: value, label: label))
        }
        var unplaced: [String] = []
        for row in targets {
            guard let region = Self.lineName(row), let year = row["year"]?.intValue else { continue }
            let label = row["target_display"]?.stringValue ?? ""
            let number = line(region)
            if let value = row["target_base_value"]?.decimalValue {
                unitClass = unitClass ?? row["unit_class"]?.stringValue
                unit = unit ?? row["target_unit"]?.stringValue
                lines[number].targets.append(Point(year: year, value: value, label: label))
            } else if let growth = row["target_growth_pct"]?.decimalValue,
                let previous = lines[number].actuals.first(where: { $0.year == year - 1 })
            {
                let implied = previous.value * (1 + growth / 100)
                lines[number].targets.append(Point(year: year, value: implied, label: label))
            } else {
                unplaced.append("\(region) \(year) \(label)")
            }
        }
        self.title = title
        self.subtitle = subtitle
        self.unitClass = unitClass
        self.unit = unit
        let order = regionOrder + lines.map(\.region).filter { !regionOrder.contains($0) }
        self.lines = lines.filter { !$0.actuals.isEmpty || !$0.targets.isEmpty }
            .map { Line(region: $0.region, actuals: $0.actuals.sorted { $0.year < $1.year }, targets: $0.targets) }
            .sorted { order.firstIndex(of: $0.region)! < order.firstIndex(of: $1.region)! }
        self.colors = self.lines.map { order.firstIndex(of: $0.region)! }
        self.unplacedTargets = unplaced
    }

    static let width = 760.0
    static let plotHeight = 260.0
    static let left = 72.0
    static let right = 24.0

    /// The `<svg>` element.
    public var svg: String {
        let points = lines.flatMap { $0.actuals + $0.targets }
        var content = [
            SVG.text(title, x: 16, y: 26, size: 17, weight: "bold", className: "zb-title"),
            SVG.text(subtitle, x: 16, y: 46, size: 12, fill: "#666"),
        ]
        // Legend: a swatch per region, then the target marker.
        var legendX = 16.0
        var legendY = 68.0
        func legendItem(_ label: String, marker: (_ x: Double, _ y: Double) -> String) {
            let itemWidth = 30 + SVG.textWidth(label, size: 12) + 18
            if legendX + itemWidth > Self.width - Self.right {
                legendX = 16
                legendY += 20
            }
            content.append(marker(legendX, legendY - 4))
            content.append(SVG.text(label, x: legendX + 26, y: legendY, size: 12, className: "zb-legend"))
            legendX += itemWidth
        }
        for (number, line) in lines.enumerated() {
            legendItem(line.region) { SVG.line($0, $1, $0 + 20, $1, stroke: SVG.color(colors[number]), width: 3) }
        }
        if lines.contains(where: { !$0.targets.isEmpty }) {
            legendItem("目标") { Self.diamond(x: $0 + 10, y: $1, color: "#555", className: "zb-key") }
        }
        let top = legendY + 32
        guard !points.isEmpty else {
            content.append(SVG.text("没有数据", x: Self.width / 2, y: top + 40, size: 14, anchor: "middle"))
            return SVG.element(
                kind: "series", width: Self.width, height: top + 80, title: title,
                description: subtitle, content: content)
        }
        let scale = DisplayFormat.scale(
            for: points.map { $0.value.magnitude }.max()!, unitClass: unitClass,
            unit: unit)
        let scaled = points.map { ($0.value / scale.factor).double }
        let ticks = AxisTicks.covering(scaled.min()!, scaled.max()!)
        let (low, high) = (ticks.first!, ticks.last!)
        let bottom = top + Self.plotHeight
        func y(_ value: Decimal) -> Double {
            bottom - ((value / scale.factor).double - low) / (high - low) * Self.plotHeight
        }
        let years = points.map(\.year)
        let (firstYear, lastYear) = (years.min()!, years.max()!)
        let plotWidth = Self.width - Self.left - Self.right
        let step = plotWidth / Double(lastYear - firstYear + 1)
        func x(_ year: Int) -> Double { Self.left + step * (Double(year - firstYear) + 0.5) }

        content.append(SVG.text("单位：" + scale.unit, x: 16, y: top - 12, size: 11, fill: "#666", className: "zb-unit"))
        for tick in ticks {
            let position = bottom - (tick - low) / (high - low) * Self.plotHeight
            content.append(SVG.line(Self.left, position, Self.width - Self.right, position, stroke: "#e5e5e5"))
            content.append(
                SVG.text(
                    AxisTicks.label(tick), x: Self.left - 8, y: position + 4, size: 11,
                    anchor: "end", fill: "#666"))
        }
        for year in firstYear...lastYear {
            content.append(
                SVG.text(
                    String(year), x: x(year), y: bottom + 20, size: 12, anchor: "middle",
                    className: "zb-year"))
        }
        content.append(SVG.line(Self.left, bottom, Self.width - Self.right, bottom, stroke: "#999"))
        let labelEveryPoint = points.count <= 16
        for (number, line) in lines.enumerated() {
            let color = SVG.color(colors[number])
            if line.actuals.count > 1 {
                let path = line.actuals.map { "\(SVG.number(x($0.year))),\(SVG.number(y($0.value)))" }
                content.append(
                    "<polyline class=\"zb-line\" points=\"\(path.joined(separator: " "))\" fill=\"none\" "
                        + "stroke=\"\(color)\" stroke-width=\"2.5\"/>")
            }
            for (position, point) in line.actuals.enumerated() {
                content.append(
                    "<circle class=\"zb-actual\" data-region=\"\(line.region.markupEscaped)\" "
                        + "data-year=\"\(point.year)\" cx=\"\(SVG.number(x(point.year)))\" "
                        + "cy=\"\(SVG.number(y(point.value)))\" r=\"4.5\" fill=\"\(color)\">"
                        + "<title>\("\(line.region) \(point.year)：\(point.label)".markupEscaped)"
                        + "</title></circle>")
                if labelEveryPoint || position == line.actuals.count - 1 {
                    content.append(
                        SVG.text(
                            point.label, x: x(point.year), y: y(point.value) - 10, size: 11,
                            anchor: "middle", fill: color, className: "zb-label"))
                }
            }
            for target in line.targets {
                if let last = line.actuals.last(where: { $0.year < target.year }) {
                    content.append(
                        SVG.line(
                            x(last.year), y(last.value), x(target.year), y(target.value),
                            stroke: color, width: 1.5, dash: "5 4"))
                }
                let data = " data-region=\"\(line.region.markupEscaped)\" data-year=\"\(target.year)\""
                content.append(Self.diamond(x: x(target.year), y: y(target.value), color: color, data: data))
                content.append(
                    SVG.text(
                        target.label, x: x(target.year), y: y(target.value) + 20, size: 11,
                        anchor: "middle", fill: color, className: "zb-label zb-target-label"))
            }
        }
        var height = bottom + 36
        for note in unplacedTargets {
            content.append(
                SVG.text(
                    "另有目标：" + note, x: 16, y: height, size: 12, fill: "#555",
                    className: "zb-note"))
            height += 18
        }
        return SVG.element(
            kind: "series", width: Self.width, height: height + 8, title: title,
            description: subtitle, content: content)
    }

    /// The line a row belongs to: its region, marked when the figure is what a year added.
    static func lineName(_ row: JSONValue) -> String? {
        row["region"]?.stringValue.map { $0 + (row["measure"]?.stringValue == "added" ? "（新增）" : "") }
    }

    /// A standalone SVG file.
    public var document: String { SVG.document(svg) }

    /// A hollow diamond centred at (x, y): how targets are marked. `data` adds attributes.
    static func diamond(x: Double, y: Double, color: String, className: String = "zb-target", data: String = "")
        -> String
    {
        "<path class=\"\(className)\"\(data) d=\"M \(SVG.number(x)) \(SVG.number(y - 6)) L \(SVG.number(x + 6)) "
            + "\(SVG.number(y)) L \(SVG.number(x)) \(SVG.number(y + 6)) L \(SVG.number(x - 6)) \(SVG.number(y)) Z\" "
            + "fill=\"#fff\" stroke=\"\(color)\" stroke-width=\"2\"/>"
    }
}
