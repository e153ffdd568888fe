import Foundation

/// The words the rules read, loaded once from the data files in `Resources/Lexicon` (`markers.tsv`,
/// `quantities.tsv`): growth verbs, fillers, target markers, year phrases, place references, units, qualifiers.
/// A linguist extends the engine by editing those files; the Swift code holds only the mechanisms. Each rule takes
/// the lists it needs when it is built, never by name in a hot loop.
public struct Lexicon: Sendable {
    /// Every category the files may use; each must appear at least once.
    enum Category: String, CaseIterable, Sendable {
        case growthRise = "growth.rise"
        case growthDecline = "growth.decline"
        case growthFiller = "growth.filler"
        case growthToLevel = "growth.to_level"
        case comparison
        case changeVerb = "change.verb"
        case levelFiller = "level.filler"
        case labelTail = "label.tail"
        case labelTrailingVerb = "label.trailing_verb"
        case labelOtherStatistic = "label.other_statistic"
        case quantityBracket = "quantity.bracket"
        case quantityMilestone = "quantity.milestone"
        case quantityRoundMilestoneVerb = "quantity.round_milestone_verb"
        case quantityRoundMilestoneWords = "quantity.round_milestone_words"
        case quantityThresholdNoun = "quantity.threshold_noun"
        case measureAdded = "measure.added"
        case measureLevel = "measure.level"
        case investmentWord = "investment.word"
        case investmentSuffix = "investment.suffix"
        case targetMarker = "target.marker"
        case targetAfterJiang = "target.after_jiang"
        case targetAfterYao = "target.after_yao"
        case targetFalseFriend = "target.false_friend"
        case estimateMarker = "estimate.marker"
        case projectionMarker = "projection.marker"
        case spanSum = "span.sum"
        case planOpener = "plan.opener"
        case sectionPlan = "section.plan"
        case sectionReview = "section.review"
        case yearRelative = "year.relative"
        case yearPeriod = "year.period"
        case yearRecent = "year.recent"
        case yearFiveYears = "year.five_years"
        case yearPlanSpan = "year.plan_span"
        case yearHorizon = "year.horizon"
        case yearSpanAfter = "year.span_after"
        case yearSpanEnd = "year.span_end"
        case dateLabel = "date.label"
        case regionReference = "region.reference"
        case regionNotPlace = "region.not_place"
        case regionGeneric = "region.generic"
        case regionEthnicGroup = "region.ethnic_group"
        case regionWordContinuation = "region.word_continuation"
        case regionShortNameStop = "region.short_name_stop"
        case regionPatternStop = "region.pattern_stop"
        case regionNewspaper = "region.newspaper"
        case regionNotSubjectBefore = "region.not_subject_before"
        case regionSubjectBefore = "region.subject_before"
        case regionTopicLead = "region.topic_lead"
        case listRespectively = "list.respectively"
        case listEach = "list.each"
        case listRank = "list.rank"
        case listSeparator = "list.separator"
        case clauseDelimiter = "clause.delimiter"
        case textResidue = "text.residue"
        case unit
        case multiplier
        case qualifierPrefix = "qualifier.prefix"
        case qualifierSuffix = "qualifier.suffix"
        case qualifierFalseFriend = "qualifier.false_friend"
        case numberNotQuantityAfter = "number.not_quantity_after"
    }

    /// One line of a lexicon file after its category: the phrase and the fields after it.
    struct Row: Sendable {
        var phrase: String
        var fields: [String]
    }

    private let rows: [Category: [Row]]
    private let lists: [Category: PhraseList]

    static let files = ["markers", "quantities"]

    /// The bundled files.
    public static func loadBundled() throws -> Lexicon {
        var texts: [(name: String, text: String)] = []
        for file in files {
            guard
                let url = Bundle.module.url(forResource: file, withExtension: "tsv", subdirectory: "Resources/Lexicon"),
                let data = FileManager.default.contents(atPath: url.path)
            else { throw ExtractionError(.unreadable, file: "\(file).tsv", detail: "bundled lexicon file missing") }
            texts.append(("\(file).tsv", String(decoding: data, as: UTF8.self)))
        }
        return try Lexicon(files: texts)
    }

    /// Parses `category<TAB>phrase[<TAB>field…]` lines; `#` starts a comment line.
    init(files: [(name: String, text: String)]) throws {
        var rows: [Category: [Row]] = [:]
        for (name, text) in files {
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let trimmed = Self.trimmed(line)
                if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
                let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map {
                    String(Self.trimmed($0))
                }
                guard fields.count >= 2, !fields[1].isEmpty else {
                    throw ExtractionError(
                        .badLexiconFile, file: name, detail: "line \(number + 1): expected category<TAB>phrase")
                }
                guard let category = Category(rawValue: fields[0]) else {
                    throw ExtractionError(
                        .badLexiconFile, file: name, detail: "line \(number + 1): unknown category '\(fields[0])'")
                }
                rows[category, default: []].append(Row(phrase: fields[1], fields: Array(fields.dropFirst(2))))
            }
        }
        if let missing = Category.allCases.first(where: { rows[$0] == nil }) {
            throw ExtractionError(
                .badLexiconFile, file: files.map(\.name).joined(separator: ", "),
                detail: "no phrase of category '\(missing.rawValue)'")
        }
        self.rows = rows
        self.lists = rows.mapValues { category in
            PhraseList(
                category.map { PhraseList.Phrase(scalars: $0.phrase.scalarValues, value: $0.fields.first ?? "") })
        }
    }

    /// `text` without the spaces and carriage returns around it (Foundation's trimming is slow at start-up scale).
    static func trimmed(_ text: Substring) -> Substring {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\r" || $0 == "\t" }
        guard let first = text.firstIndex(where: { !blank($0) }), let last = text.lastIndex(where: { !blank($0) })
        else {
            return text[text.endIndex...]
        }
        return text[first...last]
    }

    /// The phrases of a category, longest first, each with its first field as value.
    subscript(_ category: Category) -> PhraseList { lists[category]! }

    /// The rows of a category as written, for tables with several fields (units).
    func rows(_ category: Category) -> [Row] { rows[category]! }

    /// The characters of a category written as one string of characters (region.word_continuation …).
    func characters(_ category: Category) -> ScalarSet { self[category].characters }
}
