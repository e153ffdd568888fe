import ArgumentParser
import ZhibiaoConfiguration
import ZhibiaoIngest
import ZhibiaoPostgres
import ZhibiaoSchema

/// `zhibiao-ingest retry ID… | --all-discarded`: give discarded messages fresh attempts (their history stays).
struct RetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry", abstract: "Make discarded messages available again (error history kept).")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LoggingOptions

    @Argument(help: "Message ids") var ids: [Int64] = []
    @Flag(help: "Every discarded message") var allDiscarded = false

    func validate() throws {
        guard ids.isEmpty != !allDiscarded else {
            throw ValidationError("give message ids or --all-discarded (not both)")
        }
    }

    func run() async throws {
        try await reportingErrors("zhibiao-ingest") {
            try logging.bootstrap(label: "zhibiao.ingest")
            let connection = try PostgresConnection(
                database.target(applicationName: "zhibiao-ingest retry", login: .ingest))
            try Migrator().requireCurrent(connection)
            let retried = try IngestQueue.retry(ids: allDiscarded ? nil : ids, on: connection)
            print(
                "made available: \(retried.count)"
                    + (retried.isEmpty ? "" : " (\(retried.map(String.init).joined(separator: ", ")))"))
            if !allDiscarded && retried.count < ids.count {
                let missing = Set(ids).subtracting(retried).sorted().map(String.init).joined(separator: ", ")
                print("not retried (unknown, running or done): \(missing)")
                throw ExitCode(1)
            }
        }
    }
}
