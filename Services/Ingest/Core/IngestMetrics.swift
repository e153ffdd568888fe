import Foundation
import Metrics

/// The counters and timers the ingest service emits (swift-metrics; the backend is chosen by the executable). The
/// counters' totals are also kept here, so that a running daemon publishes them in its heartbeat row, where
/// `status` and `status --metrics` read them from outside.
struct IngestMetrics: Sendable {
    let claimed = TalliedCounter("zhibiao_ingest_messages_claimed_total")
    let done = TalliedCounter("zhibiao_ingest_messages_done_total")
    let failed = TalliedCounter("zhibiao_ingest_messages_failed_total")
    let discarded = TalliedCounter("zhibiao_ingest_messages_discarded_total")
    let alreadyKnown = TalliedCounter("zhibiao_ingest_messages_already_known_total")
    let factsWritten = TalliedCounter("zhibiao_ingest_facts_written_total")
    let parseTime = Timer(label: "zhibiao_ingest_parse_duration")
    /// One transaction completing a claim's messages (a batch, or one message).
    let transactionTime = Timer(label: "zhibiao_ingest_transaction_duration")
    let batchSize = Recorder(label: "zhibiao_ingest_batch_messages")

    static let shared = IngestMetrics()

    /// This process's counter totals by metric name.
    var totals: [String: Int64] {
        Dictionary(
            uniqueKeysWithValues: [claimed, done, failed, discarded, alreadyKnown, factsWritten].map {
                ($0.label, $0.total)
            })
    }
}

/// A swift-metrics counter that also keeps its total, which swift-metrics cannot be asked for.
final class TalliedCounter: @unchecked Sendable {
    let label: String
    private let counter: Counter
    private let lock = NSLock()
    /// Guarded by `lock`.
    private var count: Int64 = 0

    init(_ label: String) {
        self.label = label
        counter = Counter(label: label)
    }

    func increment(by amount: Int = 1) {
        counter.increment(by: amount)
        lock.withLock { count += Int64(amount) }
    }

    var total: Int64 { lock.withLock { count } }
}

extension QueueStatus {
    /// Records this snapshot as gauges (queue depth by state, waiting for retry, oldest waiting age, stored
    /// documents and facts, running daemons) and each running daemon's counters, labelled with its name.
    public func recordGauges() {
        for (state, count) in states.sorted(by: { $0.key < $1.key }) {
            Gauge(label: "zhibiao_ingest_queue_messages", dimensions: [("state", state)]).record(count)
        }
        Gauge(label: "zhibiao_ingest_queue_waiting_for_retry").record(waitingForRetry)
        Gauge(label: "zhibiao_ingest_queue_oldest_waiting_seconds").record(oldestWaitingSeconds ?? 0)
        Gauge(label: "zhibiao_ingest_documents").record(documents)
        Gauge(label: "zhibiao_ingest_facts").record(facts)
        let running = daemons.filter(\.running)
        Gauge(label: "zhibiao_ingest_daemons_running").record(running.count)
        for daemon in running {
            for (name, total) in daemon.counters.sorted(by: { $0.key < $1.key }) {
                Counter(label: name, dimensions: [("daemon", daemon.name)]).increment(by: total)
            }
        }
    }
}
