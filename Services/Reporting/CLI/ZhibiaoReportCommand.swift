import ArgumentParser

/// `zhibiao-report`: answers questions about stored facts over a Unix socket. Wiring only.
@main
struct ZhibiaoReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zhibiao-report",
        abstract: "Serve and query aggregated indicator facts over a line-delimited JSON Unix socket."
    )
}
