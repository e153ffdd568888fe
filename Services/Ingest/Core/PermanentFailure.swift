/// A failure that the same message meets at every attempt: bytes that are not text, a text with nothing in it, a
/// report over the size limit, metadata that breaks the rules. The queue discards such a message at once, with its
/// error, instead of retrying it; every other failure (the database gone, a fault inside a parser) keeps the backoff.
public protocol PermanentFailure: Error {}

extension InvalidMetadata: PermanentFailure {}

/// A queued report larger than the worker's `--max-bytes` (a producer can enqueue any size with SQL; `submit`
/// refuses such files before they get there).
struct ReportTooLarge: PermanentFailure, CustomStringConvertible {
    let bytes: Int
    let limit: Int
    var description: String { "too large (\(bytes) bytes; the limit is \(limit))" }
}
