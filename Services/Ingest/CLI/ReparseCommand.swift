import ArgumentParser
import Logging
import ZhibiaoConfiguration
import ZhibiaoIngest
import ZhibiaoPostgres
import ZhibiaoSchema

/// `zhibiao-ingest reparse`: re-derive facts of stored documents with the current parser.
struct ReparseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reparse",
        abstract: "Re-derive the facts of stored documents (default: those parsed by another parser version).")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LoggingOptions
    @OptionGroup var extraction: ExtractionOptions

    @Argument(help: "Document ids (default: every document whose parser version differs)") var ids: [Int64] = []
    @Flag(help: "Every document, whatever parser version made it") var all = false

    func run() async throws {
        try await reportingErrors("zhibiao-ingest") {
            try logging.bootstrap(label: "zhibiao.ingest")
            let connection = try PostgresConnection(
                database.target(applicationName: "zhibiao-ingest reparse", login: .ingest))
            let parser = try extraction.parser()
            try SchemaSetup.prepare(connection, indicators: parser.indicators)
            let summary = try Reparser(parser: parser, logger: Logger(label: "zhibiao.ingest")).reparse(
                ids: ids.isEmpty ? nil : ids, all: all, on: connection)
            print("reparsed \(summary.reparsed) documents (\(summary.facts) facts), failed \(summary.failed)")
            if summary.failed > 0 { throw ExitCode(1) }
        }
    }
}
