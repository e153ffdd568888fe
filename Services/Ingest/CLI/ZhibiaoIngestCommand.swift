import ArgumentParser
import ZhibiaoConfiguration

/// `zhibiao-ingest`: turns reports into indicator facts in PostgreSQL. Wiring only; the work lives in ZhibiaoIngest.
@main
struct ZhibiaoIngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zhibiao-ingest",
        abstract: "Parse Chinese economic reports into indicator facts stored in PostgreSQL.",
        subcommands: [
            SubmitCommand.self, ServeCommand.self, StatusCommand.self, RetryCommand.self, ReparseCommand.self,
            ParseCommand.self, MigrateCommand.self,
        ]
    )
}
