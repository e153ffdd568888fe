import ArgumentParser
import Foundation
import ZhibiaoConfiguration
import ZhibiaoIngest
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
            let connection = try PostgresConnection(database.target(applicationName: "zhibiao-ingest submit"))
            try Migrator().migrate(connection)
            let interactive = isatty(STDERR_FILENO) == 1
            let summary = try Submitter(maxBytes: settings.maxBytes, maxAttempts: settings.maxAttempts).submit(
                files, on: connection
            ) { event, done in
                if interactive {
                    let width = 30
                    let filled = files.isEmpty ? width : width * done / files.count
                    let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
                    FileHandle.standardError.write(Data("\r[\(bar)] \(done)/\(files.count)".utf8))
                    if done == files.count { FileHandle.standardError.write(Data("\n".utf8)) }
                    if case .rejected(let path, let reason) = event {
                        FileHandle.standardError.write(Data("\rrejected \(path): \(reason)\n".utf8))
                    }
                } else {
                    switch event {
                    case .queued(let path, let id): print("queued \(path) (message \(id))")
                    case .alreadyKnown(let path): print("already known \(path)")
                    case .rejected(let path, let reason): print("rejected \(path): \(reason)")
                    }
                }
            }
            print("queued \(summary.queued), already known \(summary.alreadyKnown), rejected \(summary.rejected.count)")
            for (path, reason) in summary.rejected where interactive { print("  rejected \(path): \(reason)") }
            if !summary.rejected.isEmpty { throw ExitCode(1) }
        }
    }
}
