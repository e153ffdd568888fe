import ArgumentParser
import ZhibiaoConfiguration
import ZhibiaoIngest
import ZhibiaoObservability
import ZhibiaoPostgres
import ZhibiaoSchema

/// `zhibiao-ingest status`: queue depth by state, oldest waiting message, the running daemons, recent errors.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the queue: depth by state, oldest waiting, running daemons and their counts, recent errors.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LoggingOptions

    @Flag(help: "One JSON object instead of text") var json = false
    @Flag(help: "Prometheus text: queue depth by state and stored totals as gauges, each running daemon's counters")
    var metrics = false

    func run() async throws {
        try await reportingErrors("zhibiao-ingest") {
            try logging.bootstrap(label: "zhibiao.ingest")
            let connection = try PostgresConnection(
                database.target(applicationName: "zhibiao-ingest status", login: .ingest))
            try Migrator().requireCurrent(connection)
            let status = try QueueStatus.read(on: connection)
            if metrics {
                ZhibiaoMetrics.bootstrap()
                status.recordGauges()
                print(ZhibiaoMetrics.exposition(), terminator: "")
            } else {
                print(json ? status.json : status.text)
            }
        }
    }
}
