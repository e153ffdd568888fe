import Metrics

/// The metrics the reporting service emits (swift-metrics; the executable chooses the backend, `metrics` shows it).
enum ReportMetrics {
    /// Requests answered, by method (`invalid` when the line named none, `unknown` for an unknown name, so the
    /// label set stays bounded) and outcome (`ok` or the JSON-RPC error code).
    static func requestAnswered(method: String, code: String, duration: Duration) {
        Counter(label: "zhibiao_report_requests_total", dimensions: [("method", method), ("code", code)]).increment()
        let (seconds, attoseconds) = duration.components
        Timer(label: "zhibiao_report_request_duration_seconds", dimensions: [("method", method)])
            .recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// Connections open now.
    static let connections = Gauge(label: "zhibiao_report_connections")
    /// Connections turned away at the connection limit.
    static let connectionsRefused = Counter(label: "zhibiao_report_connections_refused_total")
    /// Answers served from the result cache, and answers that had to be computed.
    static let cacheHits = Counter(label: "zhibiao_report_cache_hits_total")
    static let cacheMisses = Counter(label: "zhibiao_report_cache_misses_total")
}
