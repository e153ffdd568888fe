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
    let messageTime = Timer(label: "zhibiao_ingest_message_duration")

    static let shared = IngestMetrics()
}
