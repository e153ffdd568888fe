import Foundation
import ZhibiaoProtocol

/// One self-contained static HTML page about a region and its sub-regions: a summary table, each region's indicators
/// by year, targets against actuals, a line chart per indicator, and the evidence of every number shown — the
/// sentence it was read from and its document. Inline CSS and SVG; no script, nothing fetched.
public struct RegionPage: Sendable {
    public let report: RegionReport
    /// When the page was written (shown in its footer).
    public let generatedAt: String

    public init(report: RegionReport, generatedAt: String) {
        self.report = report
        self.generatedAt = generatedAt
    }

    /// How a region level reads.
    static let levels = ["province": "省级", "city": "市级", "county": "县级", "township": "乡镇级"]

    public var html: String {
        var cited: Set<Int> = []
        let sections = [
            summarySection(&cited), indicatorSection(&cited), targetSection(&cited), chartSection(),
            evidenceSection(cited), documentSection(cited),
        ]
        let name = report.regionName.markupEscaped
        return """
            <!DOCTYPE html>
            <html lang="zh-CN">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(name) · 经济指标报告</title>
            <style>\(Self.style)</style>
            </head>
            <body>
            <header>
            <h1>\(name) 经济指标报告</h1>
            <p class="meta">\(headerLine.markupEscaped)</p>
            <nav><a href="#summary">概况</a> · <a href="#indicators">指标</a> · <a href="#targets">目标与完成</a> · \
            <a href="#charts">走势</a> · <a href="#evidence">来源</a> · <a href="#documents">文件</a></nav>
            </header>
            \(sections.joined(separator: "\n"))
            <footer>zhibiao-report 生成于 \(generatedAt.markupEscaped)；数据截至 \(report.asOf.markupEscaped)。\
            每个数字链接到它出自的句子与文件。</footer>
            </body>
            </html>

            """
    }

    var headerLine: String {
        let region = report.region
        var parts = [Self.levels[region["level"]?.stringValue ?? ""] ?? "", region["code"]?.stringValue ?? ""]
        let below = report.tree.dropFirst().compactMap { $0["name"]?.stringValue }
        parts.append(below.isEmpty ? "无下级地区数据" : "含下级地区：" + below.joined(separator: "、"))
        parts.append("数据截至 " + report.asOf)
        return parts.filter { !$0.isEmpty }.joined(separator: " · ")
    }

    // MARK: Sections

    func summarySection(_ cited: inout Set<Int>) -> String {
        var rows: [String] = []
        for region in report.tree {
            let code = region["code"]?.stringValue
            let regionRows = report.summary.filter { $0["region_code"]?.stringValue == code }
                .sorted { ($0["year"]?.intValue ?? 0) < ($1["year"]?.intValue ?? 0) }
            for row in regionRows {
                let year = row["year"]?.intValue ?? 0
                let gdpFact = consolidatedFact("gdp", region: code, year: year)
                rows.append(
                    "<tr>"
                        + [
                            cell(indented(region)), cell(String(year)),
                            figureCell(row["gdp_display"]?.stringValue, fact: gdpFact, cited: &cited),
                            cell(row["gdp_growth_display"]?.stringValue ?? ""),
                            cell(row["actual_indicators"]), cell(row["target_indicators"]), cell(row["conflicts"]),
                            cell(row["documents"]),
                        ].joined() + "</tr>")
            }
        }
        return section(
            "summary", "概况",
            table(
                ["地区", "年份", "地区生产总值", "增速", "实际指标", "目标", "来源不一", "文件"], rows, className: "summary"))
    }

    /// Per region: its indicators by year, each value linked to its evidence.
    func indicatorSection(_ cited: inout Set<Int>) -> String {
        var parts: [String] = []
        for region in report.tree {
            let code = region["code"]?.stringValue
            // A row per indicator, and per measure where the series tell a stock from what a year adds.
            var byIndicator: [(indicator: String, added: Bool, cells: [Int: JSONValue])] = []
            var years: Set<Int> = []
            for indicator in report.indicatorsWithSeries {
                for added in [false, true] {
                    var cells: [Int: JSONValue] = [:]
                    for row in report.series[indicator] ?? []
                    where row["region_code"]?.stringValue == code
                        && (row["measure"]?.stringValue == "added") == added
                    {
                        if let year = row["year"]?.intValue {
                            cells[year] = row
                            years.insert(year)
                        }
                    }
                    if !cells.isEmpty { byIndicator.append((indicator, added, cells)) }
                }
            }
            guard !byIndicator.isEmpty else { continue }
            let sortedYears = years.sorted()
            let rows = byIndicator.map { indicator, added, cells in
                "<tr>"
                    + cell(
                        "<span class=\"indicator\">\(report.name(of: indicator).markupEscaped)"
                            + (added ? "（新增）" : "") + "</span> <code>\(indicator.markupEscaped)</code>", raw: true)
                    + sortedYears.map { year in
                        guard let row = cells[year] else { return cell("") }
                        let fact = row["fact_id"]?.intValue
                        let growth = row["growth_display"]?.stringValue
                        guard let value = row["display"]?.stringValue else {
                            return "<td>" + figure(growth, fact: fact, cited: &cited) + "</td>"
                        }
                        return "<td>" + figure(value, fact: fact, cited: &cited)
                            + (growth.map { " <span class=\"growth\">\($0.markupEscaped)</span>" } ?? "") + "</td>"
                    }.joined() + "</tr>"
            }
            parts.append(
                "<h3>\(region["name"]?.stringValue.map(\.markupEscaped) ?? "")</h3>"
                    + table(["指标"] + sortedYears.map(String.init), rows, className: "indicators"))
        }
        return section("indicators", "指标", parts.isEmpty ? "<p class=\"empty\">没有实际值。</p>" : parts.joined())
    }

    /// A line chart per indicator whose drawn points (values and targets) span at least two years.
    func chartSection() -> String {
        var charts: [String] = []
        for indicator in report.indicatorsWithSeries {
            let chart = SeriesChart(
                title: report.name(of: indicator), subtitle: "\(report.regionName)及下级地区 · \(indicator)",
                series: report.series[indicator] ?? [],
                targets: report.targets.filter { $0["indicator"]?.stringValue == indicator },
                regionOrder: report.tree.compactMap { $0["name"]?.stringValue })
            guard Set(chart.lines.flatMap { ($0.actuals + $0.targets).map(\.year) }).count >= 2 else { continue }
            charts.append("<figure id=\"chart-\(indicator.markupEscaped)\">\(chart.svg)</figure>")
        }
        return section(
            "charts", "走势",
            charts.isEmpty
                ? "<p class=\"empty\">没有跨年份的数据可画。</p>" : charts.joined(separator: "\n"))
    }

    func targetSection(_ cited: inout Set<Int>) -> String {
        guard !report.targets.isEmpty else {
            return section("targets", "目标与完成情况", "<p class=\"empty\">没有目标。</p>")
        }
        let rows = report.targets.map { row -> String in
            let status = row["status"]?.stringValue ?? "pending"
            let word = TargetsChart.statuses[status]?.text ?? status
            return "<tr>"
                + [
                    cell(row["region"]), cell(row["year"]),
                    cell(report.name(of: row["indicator"]?.stringValue ?? "")),
                    figureCell(
                        row["target_display"]?.stringValue, fact: row["target_fact_id"]?.intValue, cited: &cited),
                    figureCell(
                        row["actual_display"]?.stringValue, fact: row["actual_fact_id"]?.intValue, cited: &cited),
                    "<td><span class=\"status \(status.markupEscaped)\">\(word.markupEscaped)</span></td>",
                ].joined() + "</tr>"
        }
        let names = Dictionary(report.indicators.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let chart = TargetsChart(
            title: "目标与实际", subtitle: "\(report.regionName)及下级地区", rows: report.targets,
            indicatorNames: names)
        return section(
            "targets", "目标与完成情况",
            table(["地区", "年份", "指标", "目标", "实际", "状态"], rows, className: "targets")
                + "<figure id=\"chart-targets\">\(chart.svg)</figure>")
    }

    /// Every fact a number on the page links to: its value, the sentence with the evidence marked, its document.
    func evidenceSection(_ cited: Set<Int>) -> String {
        let items = cited.sorted().compactMap { id -> String? in
            guard let fact = report.facts[id] else { return nil }
            let sentence = fact["sentence"]?.stringValue ?? ""
            let evidence = fact["evidence"]?.stringValue ?? ""
            let quoted: String
            if let range = sentence.range(of: evidence), !evidence.isEmpty {
                quoted =
                    String(sentence[..<range.lowerBound]).markupEscaped + "<mark>" + evidence.markupEscaped
                    + "</mark>" + String(sentence[range.upperBound...]).markupEscaped
            } else {
                quoted = "<mark>" + evidence.markupEscaped + "</mark>"
            }
            let value = fact["display"]?.stringValue ?? fact["growth_display"]?.stringValue ?? ""
            let what = [
                fact["region"]?.stringValue, fact["year"]?.intValue.map(String.init),
                fact["label"]?.stringValue, fact["kind"]?.stringValue == "target" ? "目标" : nil,
            ]
            .compactMap { $0 }.joined(separator: " ")
            let document = fact["document_id"]?.intValue
            let source =
                document.map { id in
                    "<a href=\"#doc-\(id)\">\((fact["doc"]?.stringValue ?? "文件 \(id)").markupEscaped)</a>"
                } ?? ""
            return "<li id=\"fact-\(id)\"><p><span class=\"figure\">\(value.markupEscaped)</span> "
                + "\(what.markupEscaped)</p><blockquote>\(quoted)</blockquote><p class=\"source\">出自 \(source)</p></li>"
        }
        return section(
            "evidence", "来源",
            items.isEmpty
                ? "<p class=\"empty\">没有引用。</p>"
                : "<ol class=\"evidence\">" + items.joined(separator: "\n") + "</ol>")
    }

    func documentSection(_ cited: Set<Int>) -> String {
        let ids = Set(cited.compactMap { report.facts[$0]?["document_id"]?.intValue }).sorted()
        let items = ids.map { id -> String in
            let document = report.documents[id] ?? .null
            var details: [String] = []
            if let date = document["published_on"]?.stringValue { details.append("发布于 " + date.markupEscaped) }
            if let url = document["source_url"]?.stringValue {
                details.append("<a href=\"\(url.markupEscaped)\">原文</a>")
            }
            if let facts = document["facts"]?.intValue { details.append("共 \(facts) 个数字") }
            if let sha = document["sha256"]?.stringValue { details.append("SHA-256 <code>\(sha.prefix(12))…</code>") }
            let name = document["name"]?.stringValue ?? "文件 \(id)"
            return "<li id=\"doc-\(id)\"><strong>\(name.markupEscaped)</strong> · " + details.joined(separator: " · ")
                + "</li>"
        }
        return section(
            "documents", "文件",
            items.isEmpty
                ? "<p class=\"empty\">没有文件。</p>"
                : "<ul class=\"documents\">" + items.joined(separator: "\n") + "</ul>")
    }

    // MARK: Pieces

    /// The fact chosen for a consolidated figure, from the series.
    func consolidatedFact(_ indicator: String, region: String?, year: Int) -> Int? {
        report.series[indicator]?.first {
            $0["region_code"]?.stringValue == region && $0["year"]?.intValue == year
        }?["fact_id"]?.intValue
    }

    /// A number linked to its evidence (plain text when there is no fact to link to).
    func figure(_ text: String?, fact: Int?, cited: inout Set<Int>) -> String {
        guard let text else { return "" }
        guard let fact, report.facts[fact] != nil else { return text.markupEscaped }
        cited.insert(fact)
        return "<a class=\"zb-figure\" href=\"#fact-\(fact)\">\(text.markupEscaped)</a>"
    }

    func figureCell(_ text: String?, fact: Int?, cited: inout Set<Int>) -> String {
        "<td>" + figure(text, fact: fact, cited: &cited) + "</td>"
    }

    /// A region's name indented by its depth below the page's region.
    func indented(_ region: JSONValue) -> String {
        let depth = (region["depth"]?.intValue ?? 0) - (report.region["depth"]?.intValue ?? 0)
        return String(repeating: "　", count: max(depth, 0)) + (region["name"]?.stringValue ?? "")
    }

    func cell(_ text: String, raw: Bool = false) -> String {
        "<td>" + (raw ? text : text.markupEscaped) + "</td>"
    }

    func cell(_ value: JSONValue?) -> String {
        cell(value.map(TextTable.summary) ?? "")
    }

    func table(_ headers: [String], _ rows: [String], className: String) -> String {
        "<table class=\"\(className)\"><thead><tr>" + headers.map { "<th>\($0.markupEscaped)</th>" }.joined()
            + "</tr></thead><tbody>\n" + rows.joined(separator: "\n") + "\n</tbody></table>"
    }

    func section(_ id: String, _ title: String, _ content: String) -> String {
        "<section id=\"\(id)\"><h2>\(title.markupEscaped)</h2>\n\(content)\n</section>"
    }

    static let style = """
        body{font-family:\(SVG.fontFamily);margin:0 auto;max-width:980px;padding:24px;color:#222;line-height:1.5}
        h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;border-bottom:2px solid #1f77b4;padding-bottom:4px;\
        margin-top:36px}h3{font-size:16px;margin:20px 0 6px}
        .meta{color:#555;margin:0 0 8px}nav a{color:#1f77b4;text-decoration:none}
        table{border-collapse:collapse;width:100%;margin:8px 0;font-size:14px}
        th,td{border-bottom:1px solid #ddd;padding:6px 8px;text-align:left;vertical-align:top}
        th{background:#f5f7fa;font-weight:600}td code,li code{color:#888;font-size:12px}
        a.zb-figure{color:#0b57a4;text-decoration:none;border-bottom:1px dotted #0b57a4;white-space:nowrap}
        .growth{color:#666;font-size:12px;white-space:nowrap}
        .status{padding:1px 8px;border-radius:10px;color:#fff;font-size:13px;white-space:nowrap}
        .status.achieved{background:#2ca02c}.status.missed{background:#d62728}.status.pending{background:#999}
        figure{margin:16px 0}figure svg{max-width:100%;height:auto}
        ol.evidence li{margin:10px 0}ol.evidence li:target{background:#fff8d6}
        blockquote{margin:4px 0;padding:4px 12px;border-left:3px solid #ccc;color:#333}
        mark{background:#ffe58a}.figure{font-weight:600}.source{color:#555;margin:0;font-size:13px}
        .empty{color:#777}footer{margin-top:40px;color:#777;font-size:12px}
        """
}
