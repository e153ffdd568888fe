import ArgumentParser
import Logging
import ServiceLifecycle
import ZhibiaoConfiguration
import ZhibiaoIngest
import ZhibiaoObservability

/// `zhibiao-ingest serve`: consume the queue until SIGTERM/SIGINT (or, with `--once`, until it is drained).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the ingest daemon: claim queued reports and store their facts.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LoggingOptions
    @OptionGroup var extraction: ExtractionOptions
    @OptionGroup var queue: QueueOptions

    @Option(help: "Concurrent workers [env: ZHIBIAO_INGEST_WORKERS; default: processors + 1, at most 8]")
    var workers: String?

    @Option(
        help:
            "Most never-attempted messages one worker completes in one transaction; 1 for one per transaction [env: ZHIBIAO_INGEST_BATCH_SIZE; default: 32]"
    )
    var batchSize: String?

    @Option(help: "Seconds between polls of the queue besides NOTIFY [env: ZHIBIAO_INGEST_POLL_INTERVAL; default: 1]")
    var pollInterval: String?

    @Option(
        help: "Retry delay base: base × attempt⁴ seconds plus jitter [env: ZHIBIAO_INGEST_BACKOFF_BASE; default: 1]")
    var backoffBase: String?

    @Option(
        help:
            "Seconds before another worker takes over an unlocked running message [env: ZHIBIAO_INGEST_CLAIM_GRACE; default: 2]"
    )
    var claimGrace: String?

    @Option(
        help: "Enqueue files dropped in this folder, then move them to done/ or failed/ [env: ZHIBIAO_INGEST_WATCH]")
    var watch: String?

    @Flag(help: "Drain the queue and exit (for scripts and cron)")
    var once = false

    func run() async throws {
        try await reportingErrors("zhibiao-ingest") {
            try logging.bootstrap(label: "zhibiao.ingest")
            var settings = IngestSettings()
            try queue.apply(to: &settings)
            settings.workers = try Setting.integer(
                workers, flag: "--workers", variable: "ZHIBIAO_INGEST_WORKERS",
                default: settings.workers, minimum: 1)
            settings.batchSize = try Setting.integer(
                batchSize, flag: "--batch-size", variable: "ZHIBIAO_INGEST_BATCH_SIZE",
                default: settings.batchSize, minimum: 1)
            settings.pollInterval = try Setting.seconds(
                pollInterval, flag: "--poll-interval", variable: "ZHIBIAO_INGEST_POLL_INTERVAL",
                default: settings.pollInterval, minimum: 0.01)
            settings.backoffBase = try Setting.seconds(
                backoffBase, flag: "--backoff-base", variable: "ZHIBIAO_INGEST_BACKOFF_BASE",
                default: settings.backoffBase, minimum: 0)
            settings.claimGrace = try Setting.seconds(
                claimGrace, flag: "--claim-grace", variable: "ZHIBIAO_INGEST_CLAIM_GRACE",
                default: settings.claimGrace, minimum: 0.1)
            settings.watchDirectory = try Setting.value(
                watch, flag: "--watch", variable: "ZHIBIAO_INGEST_WATCH", default: nil, expected: "a folder"
            ) { $0 }
            settings.once = once
            ZhibiaoMetrics.bootstrap()

            let logger = Logger(label: "zhibiao.ingest")
            let daemon = IngestDaemon(
                target: try database.target(applicationName: "zhibiao-ingest serve", login: .ingest),
                parser: try extraction.parser(),
                settings: settings, logger: logger)
            var configuration = ServiceGroupConfiguration(
                services: [.init(service: daemon, successTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            configuration.maximumGracefulShutdownDuration = .seconds(30)
            try await ServiceGroup(configuration: configuration).run()
        }
    }
}
