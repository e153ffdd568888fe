import ArgumentParser
import Logging
import ZhibiaoConfiguration
import ZhibiaoIngest
import ZhibiaoPostgres

/// `zhibiao-ingest migrate`: applies the schema migrations that are missing and syncs the indicator catalogue
/// (safe to run concurrently and twice), as the schema's owner. It also sets the services' login passwords when
/// `ZHIBIAO_INGEST_PASSWORD` / `ZHIBIAO_REPORTING_PASSWORD` are set: environment only, since a flag would show in
/// `ps`.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply the missing schema migrations and sync the indicator catalogue.",
        discussion: """
            Run it as the schema's owner. With ZHIBIAO_INGEST_PASSWORD or ZHIBIAO_REPORTING_PASSWORD in the \
            environment it also sets the password of the zhibiao_ingest or zhibiao_reporting login (hashed by libpq).
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LoggingOptions
    @OptionGroup var extraction: ExtractionOptions

    func run() async throws {
        try await reportingErrors("zhibiao-ingest") {
            try logging.bootstrap(label: "zhibiao.ingest")
            let connection = try PostgresConnection(
                database.target(applicationName: "zhibiao-ingest migrate", login: .owner))
            let applied = try SchemaSetup.prepare(connection, indicators: try extraction.parser().indicators)
            print(
                applied.isEmpty
                    ? "schema up to date" : "applied migrations \(applied.map(String.init).joined(separator: ", "))")
            for (variable, login) in [
                ("ZHIBIAO_INGEST_PASSWORD", ZhibiaoPaths.Login.ingest),
                ("ZHIBIAO_REPORTING_PASSWORD", .reporting),
            ] {
                guard let password = Setting.environment[variable], !password.isEmpty else { continue }
                try connection.setPassword(password, for: login.rawValue)
                print("set the password of \(login.rawValue)")
            }
        }
    }
}
