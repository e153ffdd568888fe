import ArgumentParser

/// `zhibiao-bench`: the measurements behind `make bench` that need code of their own (parse throughput and memory,
/// socket load with latency percentiles). `scripts/bench.sh` runs them with the services, pgbench and the queue.
@main
struct ZhibiaoBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zhibiao-bench",
        abstract: "Measure Zhibiao's extraction throughput and the reporting socket under load (JSON out).",
        subcommands: [ParseBenchmark.self, LoadBenchmark.self]
    )
}
