import ArgumentParser

/// `zhibiao-report`: answers questions about stored facts over a Unix socket, and draws them. Wiring only.
@main
struct ZhibiaoReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zhibiao-report",
        abstract: "Serve and query aggregated indicator facts over a line-delimited JSON Unix socket.",
        discussion: "Protocol: docs/protocol.md. Every setting is a flag and an environment variable; the flag wins.",
        subcommands: [ServeCommand.self, QueryCommand.self, ChartCommand.self, PageCommand.self]
    )
}
