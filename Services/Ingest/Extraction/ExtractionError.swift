/// Why a document could not be read. A struct with a nested `Code` (see STYLE.md, Errors) so callers can branch on
/// the kind of failure while the description stays safe to show.
public struct ExtractionError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The bytes are neither UTF-8, UTF-16 with a BOM, nor GB18030.
        case undecodable
        /// A file (document or indicator table) could not be read.
        case unreadable
        /// An indicator table line is malformed.
        case badIndicatorFile
        /// A lexicon file line is malformed, or a category the engine needs is missing.
        case badLexiconFile
        /// The document asks for more work than the budget allows (a permanent failure: retrying cannot help).
        case overBudget
    }

    public var code: Code
    /// The file (or document name) concerned.
    public var file: String
    public var detail: String

    public init(_ code: Code, file: String, detail: String) {
        self.code = code
        self.file = file
        self.detail = detail
    }

    public var description: String { "\(file): \(detail)" }
}
