/// How a loop that talks to the database waits after consecutive failures: 0.1 s, 0.2 s, 0.4 s … up to 5 s, reset
/// by a success; and which of those failures deserve a log line (the first, then every tenth), so that a database
/// down for an hour fills no disk. One policy for every reconnecting loop (workers, listeners, the folder watcher).
public struct Backoff: Sendable {
    /// Failures since the last success.
    public private(set) var failures = 0

    public init() {}

    /// Counts a failure; returns how long to wait before the next attempt.
    public mutating func failed() -> Duration {
        failures += 1
        return min(.milliseconds(100) * (1 << min(failures - 1, 6)), .seconds(5))
    }

    /// Whether the failure just counted should be logged.
    public var shouldLog: Bool { failures == 1 || failures % 10 == 0 }

    /// Ends a run of failures; true when there was one (say that the database is back).
    @discardableResult
    public mutating func succeeded() -> Bool {
        defer { failures = 0 }
        return failures > 0
    }
}
