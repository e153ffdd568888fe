import Foundation

/// What a producer may say about a report besides its bytes (the queue's `metadata` jsonb).
public struct DocumentMetadata: Codable, Sendable, Hashable {
    public var sourceURL: String?
    /// The publication date as `YYYY-MM-DD`.
    public var publishedOn: String?
    /// A region the producer knows the report is about (a name or a gazetteer code), used when the text is silent.
    public var regionHint: String?

    public init(sourceURL: String? = nil, publishedOn: String? = nil, regionHint: String? = nil) {
        self.sourceURL = sourceURL
        self.publishedOn = publishedOn
        self.regionHint = regionHint
    }

    enum CodingKeys: String, CodingKey {
        case sourceURL = "source_url"
        case publishedOn = "published_on"
        case regionHint = "region_hint"
    }

    /// The jsonb text stored in `ingest_queue.metadata` (absent keys omitted).
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? "{}"
    }

    /// Reads the queue's jsonb; unknown keys are ignored. Throws `InvalidMetadata` naming a field that is not a
    /// string or not plausible (MetadataValidation.swift).
    public init(json: String) throws {
        self = try Self.validated(json: json)
    }
}
