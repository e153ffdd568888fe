/// A decoded document made ready for the rules: normalized (`NormalizedText`) and laid out (`DocumentLayout`).
struct PreparedText: Sendable {
    let norm: NormalizedText
    let layout: DocumentLayout
    var scalars: [UInt32] { norm.scalars }

    /// What preparing a text needs from the lexicon, taken once.
    struct Preparer: Sendable {
        let folding: CharacterFolding
        let residue: PhraseList
        let planHeadings: PhraseList

        init(lexicon: Lexicon, folding: CharacterFolding) {
            self.folding = folding
            residue = lexicon[.textResidue]
            planHeadings = lexicon[.sectionPlan]
        }

        func prepare(_ text: String) -> PreparedText {
            let norm = NormalizedText(text, folding: folding, residue: residue)
            return PreparedText(norm: norm, layout: DocumentLayout(norm.scalars, planHeadings: planHeadings))
        }
    }
}
