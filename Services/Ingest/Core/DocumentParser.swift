import Foundation

/// The seam between the queue and the extraction engine: bytes in, decoded text, articles and facts out.
///
/// Ingest knows nothing else about extraction; `ExtractionParser` (the one file that imports ZhibiaoExtraction)
/// implements it. Tests can substitute their own. A parser must be deterministic: the same bytes give the same facts,
/// which is what makes a retried or re-parsed message harmless.
public protocol DocumentParser: Sendable {
    /// Stored with every document (`documents.parser_version`), so `reparse` can tell what an upgrade changes.
    var version: String { get }

    /// The indicator catalogue the parser maps labels to; ingest keeps `zhibiao.indicators` equal to it.
    var indicators: [IndicatorDefinition] { get }

    /// Decodes and parses one report. Throws `DocumentParseError` for a report it cannot read, which the queue
    /// discards at once; any other error is retried with backoff, then discarded after the last attempt.
    func parse(bytes: [UInt8], name: String, metadata: DocumentMetadata) throws -> ParsedDocument
}

/// A report the parser cannot read (undecodable bytes, no text): a `PermanentFailure`, so the queue discards its
/// message at once. A parser throws it only for what the bytes themselves cause; any other error it throws is
/// retried with backoff, so that a transient fault inside a parser is never mistaken for a bad report.
public struct DocumentParseError: PermanentFailure, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
