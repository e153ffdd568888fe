import Foundation
import Testing
import ZhibiaoProtocol
import ZhibiaoRendering

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The SVG charts: well-formed XML, the right marks, Chinese labels with their units.
@Suite("charts")
struct ChartTests {
    static func rows(_ text: String) -> [JSONValue] { try! JSONValue(parsing: text).arrayValue! }

    static let series = rows(
        """
        [{"region_code":"410106","region":"上街区","year":2022,"base_value":15000000000,"unit":"亿元","unit_class":"CNY"},
         {"region_code":"410106","region":"上街区","year":2023,"base_value":16550000000,"unit":"亿元","unit_class":"CNY",
          "display":"165.5 亿元"},
         {"region_code":"410106100","region":"峡窝镇","year":2022,"base_value":3900000000,"unit":"亿元","unit_class":"CNY"},
         {"region_code":"410106100","region":"峡窝镇","year":2023,"base_value":4250000000,"unit":"亿元","unit_class":"CNY",
          "display":"42.5 亿元"}]
        """)
    static let targets = rows(
        """
        [{"region":"上街区","year":2024,"indicator":"gdp","target_base_value":null,"target_growth_pct":7,
          "target_display":"目标：增长 7 %","status":"pending"},
         {"region":"峡窝镇","year":2024,"indicator":"gdp","target_base_value":4600000000,"unit_class":"CNY",
          "target_unit":"亿元","target_display":"目标：46 亿元","status":"pending"},
         {"region":"来集镇","year":2024,"indicator":"gdp","target_base_value":null,"target_growth_pct":6,
          "target_display":"目标：增长 6 %","status":"pending"}]
        """)

    @Test func aSeriesChartHasALinePerRegionAndTargetsMarkedApart() throws {
        let chart = SeriesChart(
            title: "地区生产总值（gdp）", subtitle: "数据截至 2024-03-20", series: Self.series,
            targets: Self.targets)
        let svg = try SVGTree(chart.document)
        #expect(svg.root?.attributes["class"] == "zb-chart zb-series")
        #expect(svg.elements("polyline").count == 2)
        #expect(svg.elements("circle").filter { $0.attributes["class"] == "zb-actual" }.count == 4)
        // 上街区's growth target sits where 7 % more than 2023 puts it, 峡窝镇's value target at its value; 来集镇
        // has no actual to grow from, so its target is listed under the chart.
        let diamonds = svg.elements("path").filter { $0.attributes["class"] == "zb-target" }
        #expect(diamonds.map { $0.attributes["data-region"] ?? "" }.sorted() == ["上街区", "峡窝镇"])
        #expect(chart.lines.first { $0.region == "上街区" }?.targets.first?.value == Decimal(string: "17708500000"))
        let texts = svg.texts
        #expect(texts.contains("地区生产总值（gdp）"))
        #expect(texts.contains("单位：亿元"))
        #expect(texts.contains("42.5 亿元"))
        #expect(texts.contains("目标：46 亿元"))
        #expect(texts.contains("另有目标：来集镇 2024 目标：增长 6 %"))
        #expect(["2022", "2023", "2024"].allSatisfy(texts.contains))
        #expect(!chart.document.contains("<script"))

        // Charts side by side give a region one colour, whichever region their rows bring first.
        let reordered = SeriesChart(
            title: "", subtitle: "", series: Array(Self.series.reversed()), targets: [],
            regionOrder: ["上街区", "峡窝镇"])
        let strokes = try SVGTree(reordered.document).elements("polyline").map { $0.attributes["stroke"] ?? "" }
        #expect(reordered.lines.map(\.region) == ["上街区", "峡窝镇"])
        #expect(strokes == ["#1f77b4", "#d62728"])
    }

    @Test func aCompareChartRanksBarsAndWritesTheirValues() throws {
        let rows = Self.rows(
            """
            [{"rank":1,"region":"峡窝镇","base_value":62,"unit":"家","unit_class":"count","display":"62 家"},
             {"rank":2,"region":"来集镇","base_value":5,"unit":"家","unit_class":"count","display":"5 家"},
             {"rank":3,"region":"登封市","base_value":null,"growth_pct":-2.5,"growth_display":"-2.5 %"}]
            """)
        let chart = CompareChart(title: "高新技术企业排名 · 2023 年", subtitle: "high_tech_enterprises", rows: rows)
        let svg = try SVGTree(chart.document)
        let bars = svg.elements("rect").filter { $0.attributes["class"] == "zb-bar" }
        #expect(bars.map { $0.attributes["data-region"] ?? "" } == ["峡窝镇", "来集镇"])
        let widths = bars.compactMap { Double($0.attributes["width"] ?? "") }
        #expect(widths.count == 2 && widths[0] > widths[1] * 10)
        #expect(svg.texts.contains("62 家"))
        #expect(svg.texts.contains("1. 峡窝镇"))
        #expect(svg.texts.contains("仅有增速：登封市 -2.5 %"))

        // Growth rates only: the bars are the rates, a negative one to the left of zero.
        let growth = CompareChart(
            title: "规上工业增加值", subtitle: "",
            rows: Self.rows(
                """
                [{"rank":1,"region":"甲","growth_pct":9},{"rank":2,"region":"乙","growth_pct":-3}]
                """))
        #expect(growth.bars.map(\.label) == ["+9 %", "-3 %"])
        let growthBars = try SVGTree(growth.document).elements("rect").filter { $0.attributes["class"] == "zb-bar" }
        let x = growthBars.compactMap { Double($0.attributes["x"] ?? "") }
        #expect(x.count == 2 && x[1] < x[0])
    }

    @Test func aTargetsChartShowsEachTargetAgainstItsActual() throws {
        let rows = Self.rows(
            """
            [{"region":"上街区","year":2024,"indicator":"gdp","target_base_value":null,"target_growth_pct":7,
              "actual_growth_pct":7.5,"target_display":"目标：增长 7 %","actual_display":"+7.5 %","status":"achieved"},
             {"region":"上街区","year":2024,"indicator":"key_projects","target_base_value":72,"actual_base_value":70,
              "target_display":"目标：72 个","actual_display":"70 个","status":"missed"},
             {"region":"上街区","year":2025,"indicator":"gdp","target_base_value":null,"target_growth_pct":6,
              "target_display":"目标：增长 6 %","status":"pending"}]
            """)
        let chart = TargetsChart(
            title: "目标与实际", subtitle: "", rows: rows,
            indicatorNames: ["gdp": "地区生产总值", "key_projects": "重点项目"])
        let svg = try SVGTree(chart.document)
        #expect(svg.elements("rect").filter { $0.attributes["class"] == "zb-actual-bar" }.count == 2)
        #expect(svg.elements("line").filter { $0.attributes["class"] == "zb-target-mark" }.count == 3)
        let texts = svg.texts
        #expect(texts.contains("上街区 2024 地区生产总值"))
        #expect(texts.contains("已完成") && texts.contains("未完成") && texts.contains("待定"))
        #expect(texts.contains("目标：72 个　实际：70 个"))
        #expect(texts.contains("目标：增长 6 %　实际：尚无"))
    }
}

/// A parsed SVG document: its elements with their attributes, and the text of its `<text>` elements.
struct SVGTree {
    struct Element {
        let name: String
        let attributes: [String: String]
    }

    private(set) var all: [Element] = []
    private(set) var texts: [String] = []
    var root: Element? { all.first }

    init(_ document: String) throws {
        let delegate = Collector()
        let parser = XMLParser(data: Data(document.utf8))
        parser.delegate = delegate
        guard parser.parse() else {
            throw CocoaError(
                .fileReadCorruptFile,
                userInfo: [
                    NSDebugDescriptionErrorKey:
                        "not well-formed XML: \(parser.parserError.map(String.init(describing:)) ?? "?")"
                ])
        }
        all = delegate.elements
        texts = delegate.texts
    }

    func elements(_ name: String) -> [Element] { all.filter { $0.name == name } }

    private final class Collector: NSObject, XMLParserDelegate {
        var elements: [Element] = []
        var texts: [String] = []
        private var current: String?

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            elements.append(Element(name: name, attributes: attributes))
            if name == "text" { current = "" }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { current? += string }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "text", let text = current { texts.append(text) }
            if name == "text" { current = nil }
        }
    }
}
