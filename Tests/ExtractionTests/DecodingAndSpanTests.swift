import Foundation
import Testing
import ZhibiaoFacts

@testable import ZhibiaoExtraction

/// Bytes to text (UTF-8 with and without BOM, UTF-16 with BOM, GB18030, garbage) and offsets back into the decoded
/// text: every fact's evidence is exactly `text[span]` in Unicode scalars.
struct DecodingAndSpanTests {
    let sample = "全镇新增城镇就业558人,同比增长5%。"

    @Test func utf8WithAndWithoutBOM() throws {
        let bytes = Array(sample.utf8)
        #expect(try TextDecoder.decode(bytes, name: "a").text == sample)
        #expect(try TextDecoder.decode([0xEF, 0xBB, 0xBF] + bytes, name: "a").text == sample)
    }

    @Test func utf16WithBOM() throws {
        var le: [UInt8] = [0xFF, 0xFE]
        var be: [UInt8] = [0xFE, 0xFF]
        for unit in sample.utf16 {
            le += [UInt8(unit & 0xFF), UInt8(unit >> 8)]
            be += [UInt8(unit >> 8), UInt8(unit & 0xFF)]
        }
        #expect(try TextDecoder.decode(le, name: "a").encoding == .utf16LE)
        #expect(try TextDecoder.decode(le, name: "a").text == sample)
        #expect(try TextDecoder.decode(be, name: "a").text == sample)
    }

    @Test func gb18030() throws {
        // "全镇新增就业" in GB18030/GBK.
        let bytes: [UInt8] = [0xC8, 0xAB, 0xD5, 0xF2, 0xD0, 0xC2, 0xD4, 0xF6, 0xBE, 0xCD, 0xD2, 0xB5]
        let decoded = try TextDecoder.decode(bytes, name: "a")
        #expect(decoded.encoding == .gb18030)
        #expect(decoded.text == "全镇新增就业")
    }

    @Test func undecodableNamesTheFile() {
        do {
            _ = try TextDecoder.decode([0xFF, 0xFF, 0x81, 0x30, 0xFE], name: "broken.txt")
            Issue.record("expected an error")
        } catch let error as ExtractionError {
            #expect(error.code == .undecodable)
            #expect(error.description.contains("broken.txt"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func fullWidthIsFoldedAndSpansPointIntoTheOriginal() throws {
        let text = "\u{FEFF}标题\n\n２０２３年，全镇固定资产投资完成１２．５亿元，同比增长５．６％。"
        let facts = try Fixtures.extractor.facts(in: text, doc: "t")
        #expect(facts.count == 1)
        for fact in facts { #expect(slice(text, fact.span) == fact.evidence) }
        #expect(facts.first?.growthPct == Decimal(string: "5.6")!)
    }

    @Test func evidenceStaysOnOneLineAcrossJoinedBreaks() {
        let text = "近日,记者走进一家五金电器公司的生产车间,公司负责人介绍说:“我们投入近120\n\n万元对生产设备进行全面升级。"
        let money = Fixtures.extractor.money(in: text, doc: "t")
        #expect(money.count == 1)
        #expect(money.first?.evidence.hasSuffix("投入近120") == true)
        #expect(money.first?.qualifier == .approx && money.first?.baseValue == 1_200_000)
        #expect(slice(text, money[0].span) == money[0].evidence)
    }

    @Test func seedSpansMatchEvidence() throws {
        let seeds = Fixtures.repositoryRoot.appendingPathComponent("seeds")
        for name in try FileManager.default.contentsOfDirectory(atPath: seeds.path) where name.hasSuffix(".txt") {
            let bytes = [UInt8](try Data(contentsOf: seeds.appendingPathComponent(name)))
            let text = try Fixtures.extractor.decode(bytes, doc: name)
            for fact in try Fixtures.extractor.facts(in: text, doc: name) {
                #expect(slice(text, fact.span) == fact.evidence, "\(name): \(fact.evidence)")
            }
        }
    }

    func slice(_ text: String, _ span: [Int]) -> String {
        let scalars = Array(text.unicodeScalars)
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[span[0]..<span[1]])
        return String(view)
    }
}
