import Foundation
import Testing
import ZhibiaoProtocol
import ZhibiaoRendering

/// Tables for a terminal and CSV for spreadsheets, from answers as the server sends them.
@Suite("tables and CSV")
struct TableAndCSVTests {
    static func json(_ text: String) -> JSONValue { try! JSONValue(parsing: text) }

    static let facts = json(
        """
        {"as_of":"2024-03-20T08:00:00Z","total":3,"limit":2,"offset":0,"next_offset":2,"next_cursor":"x","rows":[
        {"id":1,"doc":"000.txt","region":"峡窝镇","year":2023,"kind":"actual","indicator":"industrial_output",\
        "base_value":4250000000,"display":"42.5 亿元","growth_display":"+7.07 %",\
        "evidence":"1月至12月，峡窝镇工业产值完成42.5亿元，同比增长7.07%；固定资产投资完成18.07亿元，同比增长1.18%，\
        一般公共预算收入完成1.37亿元"},
        {"id":2,"doc":"000.txt","region":"峡窝镇","year":2023,"kind":"actual","indicator":"budget_revenue",\
        "base_value":137000000,"display":"1.37 亿元","growth_display":null,"evidence":"收入, \\"引号\\"\\n第二行"}]}
        """)

    @Test func aTableFitsTheTerminalAndShowsDisplayForms() {
        let table = TextTable.render(ResultRows(Self.facts, method: "facts"), width: 80)
        let lines = table.split(separator: "\n").map(String.init)
        for line in lines { #expect(TextTable.displayWidth(line) <= 80, "\(line)") }
        #expect(lines[0].hasPrefix("id"))
        #expect(lines[0].contains("value"))
        #expect(!lines[0].contains("base_value"))
        #expect(table.contains("42.5 亿元"))
        #expect(table.contains("+7.07 %"))
        #expect(table.contains("…"), "the long evidence is cut")
        #expect(lines.last == "(2 of 3 rows, as of 2024-03-20T08:00:00Z)")
        // A wide terminal shows the evidence whole.
        #expect(TextTable.render(ResultRows(Self.facts, method: "facts"), width: 400).contains("一般公共预算收入完成1.37亿元"))
    }

    @Test func anEmptyListSaysSoAndNestedValuesStayOnOneLine() {
        let empty = Self.json(#"{"as_of":"2024-01-01T00:00:00Z","total":0,"limit":1000,"offset":0,"rows":[]}"#)
        #expect(
            TextTable.render(ResultRows(empty, method: "series"), width: 100)
                == "no rows\n(0 of 0 rows, as of 2024-01-01T00:00:00Z)")

        let summary = Self.json(
            """
            {"total":1,"rows":[{"region":"来集镇","year":2023,"gdp_display":"65 亿元","actual_indicators":5,\
            "actuals_display":{"gdp":"65 亿元","high_tech_enterprises":"5 家"},"actuals":{"gdp":6500000000}}]}
            """)
        let table = TextTable.render(ResultRows(summary, method: "summary"), width: 200)
        #expect(table.contains("gdp 65 亿元, high_tech_enterprises 5 家"))
        #expect(!table.contains("{"))

        let describe = Self.json(
            """
            {"name":"zhibiao-report","methods":[{"name":"series","summary":"Consolidated values",\
            "params":[{"name":"indicator","type":"string"},{"name":"region","type":"string"}],"paginated":true}]}
            """)
        let methods = TextTable.render(ResultRows(describe, method: "describe"), width: 100)
        #expect(methods.contains("indicator, region"))
        #expect(methods.split(separator: "\n").count == 3)

        // An answer that is one object: field and value lines, nested objects summarised.
        let explain = Self.json(#"{"fact":{"id":1,"display":"42.5 亿元"},"sentence":"第一行\n第二行","other_sources":[]}"#)
        let lines = TextTable.render(ResultRows(explain, method: "explain"), width: 100).split(separator: "\n")
        #expect(
            lines.map(String.init) == [
                "field          value", "-------------  -------------", "fact           42.5 亿元",
                "sentence       第一行 第二行", "other_sources",
            ])
    }

    @Test func csvIsRFC4180WithEveryField() {
        let csv = CSVFormat.render(ResultRows(Self.facts, method: "facts"))
        let records = csv.components(separatedBy: "\r\n")
        #expect(records.count == 4 && records[3].isEmpty, "two rows, a header, CRLF after each")
        #expect(records[0] == "id,doc,region,year,kind,indicator,base_value,display,growth_display,evidence")
        #expect(records[1].hasPrefix("1,000.txt,峡窝镇,2023,actual,industrial_output,4250000000,42.5 亿元,+7.07 %,"))
        // A field with a comma, quotes and a line break is quoted, its quotes doubled; nulls are empty.
        #expect(records[2].hasSuffix(#",1.37 亿元,,"收入, ""引号"""# + "\n" + #"第二行""#))
        #expect(CSVFormat.render(ResultRows(Self.json(#"{"total":0,"rows":[]}"#), method: "facts")).isEmpty)
        let nested = CSVFormat.render(ResultRows(Self.json(#"{"rows":[{"a":{"b":1},"c":[1,2]}]}"#), method: nil))
        #expect(nested == "a,c\r\n\"{\"\"b\"\":1}\",\"[1,2]\"\r\n")
    }
}
