import Metrics
import Prometheus

/// The process's metrics backend: swift-metrics bootstrapped once onto a Prometheus registry, whose text
/// exposition the services hand out (`metrics` on the reporting socket, `zhibiao-ingest status --metrics`).
public enum ZhibiaoMetrics {
    /// Every metric this process emits, once `bootstrap()` ran.
    public static let registry = PrometheusCollectorRegistry()

    private static let once: Void = {
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    }()

    /// Points swift-metrics at `registry`. Call it before any metric is created; calling it again does nothing.
    public static func bootstrap() {
        _ = once
    }

    /// The Prometheus text exposition (format 0.0.4) of everything recorded so far (empty before `bootstrap()`).
    public static func exposition() -> String {
        registry.emitToString()
    }
}
