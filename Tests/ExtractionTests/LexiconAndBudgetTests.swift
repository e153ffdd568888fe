import Foundation
import Testing
import ZhibiaoFacts

@testable import ZhibiaoExtraction

/// The data files a linguist edits are checked as they load (a bad line names its file and line), and the engine's
/// work per document is bounded: sentences are cut to a fixed length and a document beyond the budget is refused.
struct LexiconAndBudgetTests {
    @Test func aLexiconLineWithAnUnknownCategoryNamesItsLine() throws {
        let lexicon = "# comment\ngrowth.rise\t增长\nnot.a.category\t词\n"
        #expect {
            try Lexicon(files: [("markers.tsv", lexicon)])
        } throws: { error in
            let e = error as? ExtractionError
            return e?.code == .badLexiconFile && e?.file == "markers.tsv" && e!.detail.contains("line 3")
                && e!.detail.contains("not.a.category")
        }
    }

    @Test func aMissingCategoryIsNamed() throws {
        #expect {
            try Lexicon(files: [("markers.tsv", "growth.rise\t增长\n")])
        } throws: { error in
            (error as? ExtractionError)?.detail.contains("no phrase of category") == true
        }
    }

    @Test func anUnknownIndicatorNameAttributeIsRefused() throws {
        let table = "id\tunit_class\tflow\tnames\tnote\ngdp\tCNY\tlevel\t地区生产总值:sometimes\tx\n"
        #expect(throws: ExtractionError.self) { try IndicatorTaxonomy.parse(table, file: "user.tsv") }
    }

    @Test func traditionalCharactersFoldOneToOne() throws {
        let folding = try CharacterFolding.loadBundled()
        let folded = String(scalarValues: "地區生產總值增長".unicodeScalars.map { folding.fold($0.value) })
        #expect(folded == "地区生产总值增长")
        // Characters simplified texts also use are left alone (乾 in 乾安县).
        #expect(folding.fold("乾".unicodeScalars.first!.value) == "乾".unicodeScalars.first!.value)
    }

    @Test func sentencesAreCutToABoundedLength() {
        let line = String(repeating: "新增企业3家和", count: 2_000)  // 14,000 characters, no sentence end
        let prepared = Fixtures.extractor.factExtractor.preparer.prepare(line)
        #expect(prepared.layout.sentences.count > 1)
        #expect(prepared.layout.sentences.allSatisfy { $0.count <= DocumentLayout.sentenceMaximum })
        #expect(prepared.layout.sentences.map(\.count).reduce(0, +) == prepared.scalars.count)
    }

    @Test func aDocumentBeyondTheBudgetIsRefusedWithItsName() throws {
        let extractor = try Extractor(budget: ExtractionBudget(figures: 10))
        let text = String(repeating: "全镇新增企业3家。", count: 11)
        #expect(try extractor.facts(in: String(repeating: "全镇新增企业3家。", count: 10), doc: "ok.txt").count == 10)
        #expect {
            try extractor.facts(in: text, doc: "big.txt")
        } throws: { error in
            let e = error as? ExtractionError
            return e?.code == .overBudget && e?.file == "big.txt"
        }
    }
}
