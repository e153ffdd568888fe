import Foundation

/// The daemon's and the queue's tunables, resolved by the CLI from flags and environment.
public struct IngestSettings: Sendable {
    /// Concurrent workers in one daemon (each with its own connection): one per processor and one more, at most 8. A
    /// worker waits for PostgreSQL between its parses (statements, the COMMIT's flush, the writers' lock): the
    /// extra one keeps every core parsing meanwhile (on two cores, 3 workers ingested 8 % faster than 2,
    /// docs/ingest.md).
    public var workers: Int = Self.defaultWorkers

    public static let defaultWorkers = min(ProcessInfo.processInfo.activeProcessorCount + 1, 8)
    /// The most messages one worker claims and completes in one transaction. Only messages never attempted are
    /// batched (a retried or taken-over one is completed alone), and each is still all or nothing; batching spares
    /// a commit, a claim and four statements per message. 1 gives one transaction per message. 32 by measure: on
    /// two cores, batches of 32 took a fifth less PostgreSQL CPU than batches of 16 (docs/ingest.md).
    public var batchSize: Int = 32
    /// How often an idle worker looks at the queue even without a NOTIFY.
    public var pollInterval: Duration = .seconds(1)
    /// Attempts before a message is discarded (stored per message at enqueue; the queue allows 1 to 100).
    public var maxAttempts: Int = 5
    /// The most `maxAttempts` may be (the queue's `max_attempts` constraint).
    public static let maxAttemptsLimit = 100
    /// The largest report `submit` and `--watch` accept.
    public var maxBytes: Int = 10 * 1024 * 1024
    /// Retry delay: `backoffBase × attempt⁴` plus up to `backoffJitter` × that (River's and Que's curve), at most
    /// `backoffLimit`.
    public var backoffBase: Duration = .seconds(1)
    public var backoffJitter: Double = 0.1
    public var backoffLimit: Duration = .seconds(7 * 86_400)
    /// How long a `running` message may be unlocked before another worker takes it over.
    ///
    /// The row lock of the completing transaction is the lease; this only covers the one round trip between the
    /// claim's commit (which counts the attempt) and that lock, so it can be short. A worker that dies leaves its
    /// message claimable after this long — seconds, not a lease timeout.
    public var claimGrace: Duration = .seconds(2)
    /// Drain the queue and exit instead of serving forever.
    public var once = false
    /// A folder whose dropped files are enqueued (`serve --watch`).
    public var watchDirectory: String?
    /// A name for `locked_by` (host and pid by default), suffixed with the worker number.
    public var workerName: String = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"

    public init() {}

    /// The delay before attempt `attempt + 1`, after attempt `attempt` failed. Computed in seconds and capped before
    /// it becomes a `Duration`, which traps on overflow.
    public func backoff(afterAttempt attempt: Int) -> Duration {
        let base = backoffBase.seconds * pow(Double(max(attempt, 1)), 4)
        let delay = min(base + base * Double.random(in: 0...max(backoffJitter, 0)), backoffLimit.seconds)
        return .milliseconds(Int64(delay * 1000))
    }
}

extension Duration {
    /// Seconds as a Double, for SQL intervals and logs.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
