import Foundation
import ZhibiaoPostgres

/// Fills a test database the way ingest will: the seed documents, their articles, the regions they name, the
/// indicator catalogue and the gold facts (`Tests/ReportingTests/Fixtures/seeds-facts.jsonl`), inserted into the
/// base tables as the superuser.
///
/// Stand-in until the ingest service exists: spans are the first occurrence of each fact's evidence (in Unicode
/// scalars), sentences run to the surrounding 。！？ or newline, and a document has one article per region in the
/// order the regions first appear.
public enum SeedFixture {
    /// The regions the seeds mention, with their ancestors (codes from the national gazetteer).
    public static let regions: [(code: String, name: String, level: String, parent: String?)] = [
        ("41", "河南省", "province", nil), ("4101", "郑州市", "city", "41"),
        ("410106", "上街区", "county", "4101"), ("410108", "惠济区", "county", "4101"),
        ("410183", "新密市", "county", "4101"), ("410185", "登封市", "county", "4101"),
        ("410106100", "峡窝镇", "township", "410106"), ("410183110", "来集镇", "township", "410183"),
    ]

    public static func load(into database: TestDatabase) throws {
        let connection = try database.connect()
        try connection.transaction { connection in
            for region in regions {
                try connection.query("INSERT INTO zhibiao.regions VALUES ($1, $2, $3, $4)",
                                     [region.code, region.name, region.level, region.parent])
            }
            let catalogue = try String(contentsOfFile: Repository.path(
                "Services/Ingest/Extraction/Resources/indicators.tsv"), encoding: .utf8)
            var names: [String: [String]] = [:]
            // The table opens with `#` comment lines, then its header.
            for line in catalogue.split(separator: "\n").filter({ !$0.hasPrefix("#") }).dropFirst() {
                let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                let synonyms = fields[3].split(separator: "|").map(String.init)
                names[fields[0]] = synonyms
                try connection.query("INSERT INTO zhibiao.indicators VALUES ($1, $2, $3, $4::text[], $5)",
                                     [fields[0], fields[1], fields[2], arrayLiteral(synonyms), fields[4]])
            }
            let facts = try String(contentsOfFile: Repository.path("Tests/ReportingTests/Fixtures/seeds-facts.jsonl"),
                                   encoding: .utf8)
                .split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
            let documents = try FileManager.default.contentsOfDirectory(atPath: Repository.path("seeds"))
                .filter { $0.hasSuffix(".txt") }.sorted()
            for name in documents {
                try insert(document: name, facts: facts.filter { $0["doc"] as? String == name }, names: names,
                           connection)
            }
        }
    }

    private static func insert(
        document name: String, facts: [[String: Any]], names: [String: [String]], _ connection: PostgresConnection
    ) throws {
        let raw = try Data(contentsOf: URL(fileURLWithPath: Repository.path("seeds/" + name)))
        let text = String(decoding: raw, as: UTF8.self)
        let scalars = Array(text.unicodeScalars)
        let id = try connection.query("""
            INSERT INTO zhibiao.documents (sha256, source_name, raw, text, encoding, parser_version)
            VALUES (sha256($1), $2, $1, $3, 'utf-8', 'fixture') RETURNING id
            """, [raw, name, text]).first!.decode(Int.self, at: 0)

        struct Located { let fact: [String: Any]; let start: Int; let end: Int; let sentence: String }
        let located = facts.map { fact -> Located in
            let evidence = Array((fact["evidence"] as! String).unicodeScalars)
            let start = firstIndex(of: evidence, in: scalars)!
            let end = start + evidence.count
            let stops: Set<Unicode.Scalar> = ["。", "！", "？", "\n"]
            var from = start
            while from > 0, !stops.contains(scalars[from - 1]) { from -= 1 }
            var to = end
            while to < scalars.count, !stops.contains(scalars[to]) { to += 1 }
            if to < scalars.count, scalars[to] != "\n" { to += 1 }
            let sentence = String(String.UnicodeScalarView(scalars[from..<to])).trimmingCharacters(in: .whitespaces)
            return Located(fact: fact, start: start, end: end, sentence: sentence)
        }
        var articles: [(region: String, start: Int)] = []
        for item in located.sorted(by: { $0.start < $1.start }) {
            let region = item.fact["region"] as! String
            if !articles.contains(where: { $0.region == region }) { articles.append((region, item.start)) }
        }
        let codes = Dictionary(uniqueKeysWithValues: regions.map { ($0.name, $0.code) })
        for (ordinal, article) in articles.enumerated() {
            let start = ordinal == 0 ? 0 : article.start
            let end = ordinal + 1 < articles.count ? articles[ordinal + 1].start : scalars.count
            let year = located.filter { $0.fact["region"] as? String == article.region }
                .compactMap { $0.fact["year"] as? Int }.min()
            try connection.query("INSERT INTO zhibiao.articles VALUES ($1, $2, NULL, $3, $4, $5, $6, $7)",
                                 [id, ordinal, article.region, codes[article.region], year, start, end])
        }
        for item in located {
            let fact = item.fact
            let region = fact["region"] as! String
            let evidence = fact["evidence"] as! String
            let synonyms = names[fact["indicator"] as! String] ?? []
            let label = synonyms.filter { evidence.contains($0) }.max { $0.count < $1.count } ?? synonyms.first ?? ""
            try connection.query("""
                INSERT INTO zhibiao.facts (document_id, article, region, region_code, year, kind, indicator, label,
                    value, unit, base_value, unit_class, qualifier, growth_pct, evidence, span_start, span_end, sentence)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::numeric, $10, $11::numeric, $12, $13, $14::numeric,
                        $15, $16, $17, $18)
                """, [id, articles.firstIndex { $0.region == region }!, region, codes[region], fact["year"] as? Int,
                      fact["kind"] as! String, fact["indicator"] as! String, label, number(fact["value"]),
                      fact["unit"] as? String, number(fact["base_value"]), fact["unit_class"] as? String,
                      fact["qualifier"] as! String, number(fact["growth_pct"]), evidence, item.start, item.end,
                      item.sentence])
        }
    }

    /// A JSON number as exact decimal text (nil for null).
    private static func number(_ value: Any?) -> String? {
        guard let number = value as? NSNumber else { return nil }
        return number.stringValue
    }

    private static func firstIndex(of needle: [Unicode.Scalar], in haystack: [Unicode.Scalar]) -> Int? {
        guard !needle.isEmpty, needle.count <= haystack.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<start + needle.count]) == needle { return start }
        }
        return nil
    }

    private static func arrayLiteral(_ values: [String]) -> String {
        "{" + values.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\\\"") + "\"" }.joined(separator: ",") + "}"
    }
}
