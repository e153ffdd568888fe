import ArgumentParser
import Logging
import ZhibiaoConfiguration
import ZhibiaoPostgres
import ZhibiaoSchema

/// `zhibiao-ingest migrate`: applies the schema migrations that are missing (safe to run concurrently and twice).
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply the database schema migrations that are missing.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LoggingOptions

    func run() throws {
        try logging.bootstrap(label: "zhibiao.ingest")
        let connection = try PostgresConnection(database.target(applicationName: "zhibiao-ingest migrate"))
        let applied = try Migrator().migrate(connection)
        print(applied.isEmpty ? "schema up to date" : "applied migrations \(applied.map(String.init).joined(separator: ", "))")
    }
}
