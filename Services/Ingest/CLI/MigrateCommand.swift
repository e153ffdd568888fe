import ArgumentParser
import Logging
import ZhibiaoConfiguration
import ZhibiaoIngest
import ZhibiaoPostgres

/// `zhibiao-ingest migrate`: applies the schema migrations that are missing and syncs the indicator catalogue
/// (safe to run concurrently and twice).
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply the missing schema migrations and sync the indicator catalogue.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        try await reportingErrors("zhibiao-ingest") {
            try logging.bootstrap(label: "zhibiao.ingest")
            let connection = try PostgresConnection(database.target(applicationName: "zhibiao-ingest migrate"))
            let applied = try SchemaSetup.prepare(connection, indicators: try ExtractionParser().indicators)
            print(applied.isEmpty ? "schema up to date" : "applied migrations \(applied.map(String.init).joined(separator: ", "))")
        }
    }
}
