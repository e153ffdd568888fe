import ArgumentParser
import Foundation
import ZhibiaoConfiguration
import ZhibiaoIngest
import ZhibiaoObservability
import ZhibiaoPostgres
import ZhibiaoSchema

/// `zhibiao-ingest submit PATH...`: enqueue reports (directories recursively) in one transaction.
struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit", abstract: "Enqueue report files (directories are walked recursively).",
        discussion: """
            A file that is empty, too large, unreadable or not text (an image, a PDF …, checked by its content) is \
            rejected with the reason and the others are queued; the exit status is then 1.
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LoggingOptions
    @OptionGroup var queue: QueueOptions

    @Argument(help: "Files or directories") var paths: [String]

    func run() async throws {
        try await reportingErrors("zhibiao-ingest") {
            try logging.bootstrap(label: "zhibiao.ingest")
            var settings = IngestSettings()
            try queue.apply(to: &settings)
            let files = Submitter.files(in: paths)
            let connection = try PostgresConnection(
                database.target(applicationName: "zhibiao-ingest submit", login: .ingest))
            try Migrator().requireCurrent(connection)
            let interactive = isatty(STDERR_FILENO) == 1
            let summary = try Submitter(maxBytes: settings.maxBytes, maxAttempts: settings.maxAttempts).submit(
                files, on: connection
            ) { read in
                guard interactive else { return }
                let width = 30
                let filled = files.isEmpty ? width : width * read / files.count
                let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
                FileHandle.standardError.write(Data("\r[\(bar)] \(read)/\(files.count) read".utf8))
                if read == files.count { FileHandle.standardError.write(Data("\n".utf8)) }
            }
            // After the commit: every line says what happened for good. Paths are escaped, one line each.
            for event in summary.events {
                switch event {
                case .queued(let path, let id) where !interactive:
                    print("queued \(path.escapingControlCharacters) (message \(id))")
                case .alreadyKnown(let path) where !interactive:
                    print("already known \(path.escapingControlCharacters)")
                case .rejected(let path, let reason):
                    print("rejected \(path.escapingControlCharacters): \(reason.escapingControlCharacters)")
                default:
                    break
                }
            }
            print("queued \(summary.queued), already known \(summary.alreadyKnown), rejected \(summary.rejected.count)")
            if !summary.rejected.isEmpty { throw ExitCode(1) }
        }
    }
}
