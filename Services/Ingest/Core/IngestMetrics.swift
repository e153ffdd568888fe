import Metrics

/// The counters and timers the ingest service emits (swift-metrics; the backend is chosen by the executable).
struct IngestMetrics: Sendable {
    let claimed = Counter(label: "zhibiao_ingest_messages_claimed_total")
    let done = Counter(label: "zhibiao_ingest_messages_done_total")
    let failed = Counter(label: "zhibiao_ingest_messages_failed_total")
    let discarded = Counter(label: "zhibiao_ingest_messages_discarded_total")
    let alreadyKnown = Counter(label: "zhibiao_ingest_messages_already_known_total")
    let factsWritten = Counter(label: "zhibiao_ingest_facts_written_total")
    let parseTime = Timer(label: "zhibiao_ingest_parse_duration")
    /// One transaction completing a claim's messages (a batch, or one message).
    let transactionTime = Timer(label: "zhibiao_ingest_transaction_duration")
    let batchSize = Recorder(label: "zhibiao_ingest_batch_messages")

    static let shared = IngestMetrics()
}

extension QueueStatus {
    /// Records this snapshot as gauges (queue depth by state, waiting for retry, oldest waiting age, stored
    /// documents and facts), and makes sure this process's counters exist so that an exposition lists them all.
    public func recordGauges() {
        for (state, count) in states.sorted(by: { $0.key < $1.key }) {
            Gauge(label: "zhibiao_ingest_queue_messages", dimensions: [("state", state)]).record(count)
        }
        Gauge(label: "zhibiao_ingest_queue_waiting_for_retry").record(waitingForRetry)
        Gauge(label: "zhibiao_ingest_queue_oldest_waiting_seconds").record(oldestWaitingSeconds ?? 0)
        Gauge(label: "zhibiao_ingest_documents").record(documents)
        Gauge(label: "zhibiao_ingest_facts").record(facts)
        _ = IngestMetrics.shared
    }
}
