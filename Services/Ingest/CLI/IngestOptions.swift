import ArgumentParser
import Foundation
import ZhibiaoConfiguration
import ZhibiaoIngest

/// The queue settings every command shares; each is a flag and an environment variable (the flag wins).
struct QueueOptions: ParsableArguments {
    @Option(help: "Largest report accepted, in bytes [env: ZHIBIAO_INGEST_MAX_BYTES; default: 10485760]")
    var maxBytes: String?

    @Option(help: "Attempts before a message is discarded, 1 to 100 [env: ZHIBIAO_INGEST_MAX_ATTEMPTS; default: 5]")
    var maxAttempts: String?

    /// Applies the resolved values to `settings`.
    func apply(to settings: inout IngestSettings) throws {
        settings.maxBytes = try Setting.integer(
            maxBytes, flag: "--max-bytes", variable: "ZHIBIAO_INGEST_MAX_BYTES",
            default: settings.maxBytes, minimum: 1)
        settings.maxAttempts = try Setting.integer(
            maxAttempts, flag: "--max-attempts",
            variable: "ZHIBIAO_INGEST_MAX_ATTEMPTS",
            default: settings.maxAttempts, minimum: 1, maximum: IngestSettings.maxAttemptsLimit)
    }
}

/// The extraction settings: an indicator table merged over the built-in one. Resolved here, in the executable;
/// the engine only receives the path.
struct ExtractionOptions: ParsableArguments {
    @Option(help: "Indicator TSV merged over the built-in table [env: ZHIBIAO_INDICATORS]")
    var indicators: String?

    /// The table's path: the flag, else `$ZHIBIAO_INDICATORS`, else none.
    var indicatorsPath: String? {
        indicators ?? Setting.environment["ZHIBIAO_INDICATORS"].flatMap { $0.isEmpty ? nil : $0 }
    }

    func parser() throws -> ExtractionParser { try ExtractionParser(indicatorsPath: indicatorsPath) }
}
