import Foundation
import Testing
import ZhibiaoProtocol
import ZhibiaoTestSupport

/// The region page and a chart as a person sees them: written by the real binary from a real server (on the seeds,
/// plus two 2024 actuals so that one target is achieved and one missed), opened in
/// headless Chromium (Debian's `chromium`, with `fonts-noto-cjk`), checked in the DOM Chromium built and in its
/// screenshots, which stay in `.build/screenshots/` to be looked at.
@Suite("the region page in a browser")
struct BrowserPageTests {
    static let screenshots = Repository.path(".build/screenshots")

    @Test func thePageAndAChartRenderWithTheirNumbersChartsAndEvidence() async throws {
        let binary = try Repository.executable("zhibiao-report")
        let browser = try Chromium()
        let folder = NSTemporaryDirectory() + "zhibiao-page-" + UUID().uuidString.prefix(8)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: Self.screenshots, withIntermediateDirectories: true)

        let (page, chart) = try await TestServer.with { server in
            try Self.addActuals2024(server.database)
            try await eventually(.seconds(20)) {
                let targets = try await server.result("targets", ["region": "上街区", "year": 2024]).rows
                return Set(targets.compactMap { $0["status"]?.stringValue }).isSuperset(of: ["achieved", "missed"])
            }
            let page = try await Subprocess.runOffPool(
                binary, ["page", "--region", "上街区", "--output", folder, "--socket", server.socket])
            let chart = try await Subprocess.runOffPool(
                binary,
                [
                    "chart", "series", "--param", "indicator=high_tech_enterprises",
                    "--param", "region=上街区,峡窝镇", "--output", folder + "/high_tech.svg",
                    "--socket", server.socket,
                ])
            return (page, chart)
        }
        #expect(page.exitCode == 0, "\(page.stderr)")
        #expect(page.stdout == "wrote \(folder)/index.html: 上街区 and 1 sub-region\n")
        #expect(chart.exitCode == 0, "\(chart.stderr)")

        let dom = try browser.dumpDOM(folder + "/index.html")
        // The region and its sub-region (峡窝镇's 42.5 亿元), nothing from outside its tree (来集镇).
        #expect(dom.contains("<h1>上街区 经济指标报告</h1>"))
        #expect(dom.contains("42.5 亿元") && dom.contains("165.5 亿元") && dom.contains("19.7 万人"))
        #expect(!dom.contains("来集镇"))
        #expect(!dom.contains("<script"))
        // Charts: the high-tech enterprises one has points for each region, a line over the years.
        #expect(Self.count(#"<svg [^>]*class="zb-chart zb-series""#, in: dom) >= 2)
        #expect(Self.count(#"<svg [^>]*class="zb-chart zb-targets""#, in: dom) == 1)
        let highTech = try #require(
            Self.section(
                of: dom, from: "<figure id=\"chart-high_tech_enterprises\">",
                to: "</figure>"))
        #expect(Self.count("<polyline", in: highTech) >= 1)
        for region in ["上街区", "峡窝镇"] {
            #expect(highTech.contains(#"<circle class="zb-actual" data-region="\#(region)"#), "\(region)")
        }
        #expect(highTech.contains(">24 家</text>") && highTech.contains(">62 家</text>"))
        // Targets against actuals: 3000 new jobs reached 2800; 6000 trainings fell short of 6300.
        let targets = try #require(Self.section(of: dom, from: "<section id=\"targets\">", to: "</section>"))
        #expect(targets.contains("目标：2800 人") && targets.contains(">3000 人<"))
        #expect(targets.contains("目标：6300 人次") && targets.contains(">6000 人次<"))
        #expect(Self.count(#"<span class="status achieved">已完成</span>"#, in: targets) == 1)
        #expect(Self.count(#"<span class="status missed">未完成</span>"#, in: targets) == 1)
        // Every linked number leads to its sentence, and that to its document.
        let linked = Set(Self.matches(##"href="#fact-(\d+)""##, in: dom))
        #expect(linked.count > 30)
        for fact in linked {
            let item = try #require(Self.section(of: dom, from: "<li id=\"fact-\(fact)\">", to: "</li>"))
            #expect(item.contains("<blockquote>") && item.contains("<mark>"), "fact \(fact)")
            let document = try #require(Self.matches(##"href="#doc-(\d+)""##, in: item).first, "fact \(fact)")
            #expect(dom.contains("<li id=\"doc-\(document)\">"))
        }
        #expect(dom.contains("<mark>峡窝镇工业产值完成42.5亿元，同比增长7.07%</mark>"))

        let pageShot = Self.screenshots + "/region-page.png"
        try browser.screenshot(folder + "/index.html", to: pageShot, width: 1100, height: 4400)
        #expect(try PNGSummary(pageShot).size == "1100x4400")
        let chartShot = Self.screenshots + "/chart-series.png"
        try browser.screenshot(folder + "/high_tech.svg", to: chartShot, width: 780, height: 460)
        // The two regions' lines were drawn in their colours (blue, red), not only laid out in the DOM.
        let colours = try PNGSummary(chartShot, counting: ["#1f77b4", "#d62728"])
        #expect(colours.size == "780x460")
        #expect(colours.counts.allSatisfy { $0 > 100 }, "pixels of each line's colour: \(colours.counts)")
    }

    /// 上街区's 2024 actuals, as a statistics bulletin would state them: 3000 new urban jobs (its target: 2800) and
    /// 6000 skills trainings (its target: 6300). Written as ingest writes a document, then announced.
    static func addActuals2024(_ database: TestDatabase) throws {
        let connection = try database.connect()
        let text = "2024年，上街区新增城镇就业3000人。全区开展职业技能培训6000人次。"
        try connection.transaction { connection in
            let id = try connection.query(
                """
                INSERT INTO zhibiao.documents (sha256, source_name, raw, text, encoding, parser_version)
                VALUES (sha256(convert_to($1, 'UTF8')), '上街区2024年统计公报.txt', convert_to($1, 'UTF8'), $1,
                        'utf-8', 'test') RETURNING id
                """, [text]
            ).first!.decode(Int.self, at: 0)
            try connection.query(
                "INSERT INTO zhibiao.articles VALUES ($1, 0, NULL, '上街区', '410106', 2024, 0, $2)",
                [id, text.unicodeScalars.count])
            for (ordinal, (indicator, label, value, unit, unitClass, evidence)) in [
                ("new_urban_jobs", "新增城镇就业", "3000", "人", "persons", "新增城镇就业3000人"),
                ("skills_training", "职业技能培训", "6000", "人次", "person_times", "开展职业技能培训6000人次"),
            ].enumerated() {
                let start =
                    text.unicodeScalars.count - text.components(separatedBy: evidence)[1].unicodeScalars.count
                    - evidence.unicodeScalars.count
                let sentence = text.components(separatedBy: "。").first { $0.contains(evidence) }! + "。"
                // The sentence once, the evidence as where it starts in it.
                try connection.query(
                    "INSERT INTO zhibiao.sentences (document_id, ordinal, text) VALUES ($1, $2, $3)",
                    [id, ordinal, sentence])
                try connection.query(
                    """
                    INSERT INTO zhibiao.facts (document_id, article, region, region_code, year, kind, indicator, label,
                        value, unit, base_value, unit_class, qualifier, evidence_offset, span_start, span_end,
                        sentence_ordinal)
                    VALUES ($1, 0, '上街区', '410106', 2024, 'actual', $2, $3, $4::numeric, $5, $4::numeric, $6,
                            'exact', strpos($10, $7) - 1, $8, $9, $11)
                    """,
                    [
                        id, indicator, label, value, unit, unitClass, evidence, start,
                        start + evidence.unicodeScalars.count, sentence, ordinal,
                    ])
            }
            try connection.query(
                """
                SELECT pg_notify('zhibiao_facts',
                                 json_build_object('document_id', $1::bigint, 'facts', 2, 'reason', 'ingested')::text)
                """,
                [id])
        }
    }

    static func matches(_ pattern: String, in text: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: pattern)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: $0.numberOfRanges > 1 ? 1 : 0), in: text).map { String(text[$0]) }
        }
    }

    static func count(_ pattern: String, in text: String) -> Int { matches(pattern, in: text).count }

    /// The text from `start` to the first `end` after it.
    static func section(of text: String, from start: String, to end: String) -> String? {
        guard let from = text.range(of: start), let to = text.range(of: end, range: from.upperBound..<text.endIndex)
        else { return nil }
        return String(text[from.lowerBound..<to.upperBound])
    }
}

/// Debian's headless Chromium: the DOM it builds from a file, and screenshots.
struct Chromium {
    let path = "/usr/bin/chromium"
    let profile = NSTemporaryDirectory() + "zhibiao-chromium-" + UUID().uuidString.prefix(8)

    init() throws {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestSupportError("\(path) is missing: `make test` installs chromium and fonts-noto-cjk")
        }
    }

    /// Root may run Chromium only without its sandbox; no GPU, no first-run UI, a throwaway profile (removed after
    /// each run).
    private var options: [String] {
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
            "--user-data-dir=\(profile)",
        ]
    }

    func dumpDOM(_ file: String) throws -> String {
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let run = try Subprocess.run(path, options + ["--dump-dom", URL(fileURLWithPath: file).absoluteString])
        guard run.exitCode == 0, !run.stdout.isEmpty else {
            throw TestSupportError("chromium --dump-dom failed (\(run.exitCode)): \(run.stderr.suffix(2000))")
        }
        return run.stdout
    }

    func screenshot(_ file: String, to png: String, width: Int, height: Int) throws {
        defer { try? FileManager.default.removeItem(atPath: profile) }
        try? FileManager.default.removeItem(atPath: png)
        let run = try Subprocess.run(
            path,
            options + [
                "--window-size=\(width),\(height)", "--screenshot=\(png)",
                URL(fileURLWithPath: file).absoluteString,
            ])
        guard run.exitCode == 0, FileManager.default.fileExists(atPath: png) else {
            throw TestSupportError("chromium --screenshot failed (\(run.exitCode)): \(run.stderr.suffix(2000))")
        }
    }
}

/// A PNG's size, and how many of its pixels are near each of some colours (python3's zlib does the decoding).
struct PNGSummary {
    let size: String
    let counts: [Int]

    init(_ path: String, counting colours: [String] = []) throws {
        let run = try Subprocess.run("/usr/bin/python3", ["-c", Self.script, path] + colours)
        let fields = run.stdout.split(separator: " ").map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) }
        guard run.exitCode == 0, fields.count == 1 + colours.count else {
            throw TestSupportError("cannot read \(path): \(run.stderr)")
        }
        size = fields[0]
        counts = fields.dropFirst().compactMap { Int($0) }
    }

    /// Reads the chunks, inflates the image data, undoes each row's filter and counts pixels within 24 of each
    /// colour's channels. Prints `WIDTHxHEIGHT` and the counts.
    static let script = #"""
        import struct, sys, zlib
        data = open(sys.argv[1], "rb").read()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
        pos, idat = 8, b""
        while pos < len(data):
            length, kind = struct.unpack(">I4s", data[pos:pos + 8])
            body = data[pos + 8:pos + 8 + length]
            pos += 12 + length
            if kind == b"IHDR":
                width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            elif kind == b"IDAT":
                idat += body
        targets = [tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in sys.argv[2:]]
        counts = [0] * len(targets)
        if targets:
            channels = {2: 3, 6: 4}[colour]
            stride = width * channels
            raw = zlib.decompress(idat)
            previous = bytearray(stride)
            for y in range(height):
                kind = raw[y * (stride + 1)]
                line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
                for x in range(stride):
                    a = line[x - channels] if x >= channels else 0
                    b = previous[x]
                    c = previous[x - channels] if x >= channels else 0
                    if kind == 1: line[x] = (line[x] + a) & 255
                    elif kind == 2: line[x] = (line[x] + b) & 255
                    elif kind == 3: line[x] = (line[x] + (a + b) // 2) & 255
                    elif kind == 4:
                        p = a + b - c
                        pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                        line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
                for x in range(0, stride, channels):
                    for i, (r, g, bl) in enumerate(targets):
                        if abs(line[x] - r) < 24 and abs(line[x + 1] - g) < 24 and abs(line[x + 2] - bl) < 24:
                            counts[i] += 1
                previous = line
        print(f"{width}x{height}", *counts)
        """#
}
