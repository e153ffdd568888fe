import Foundation
import ZhibiaoObservability
import ZhibiaoPostgres

/// `zhibiao-ingest status`: what the queue holds, who works it, and what went wrong lately.
public struct QueueStatus: Codable, Sendable {
    public struct RecentError: Codable, Sendable {
        public let message: Int64
        public let sourceName: String
        public let state: String
        public let attempt: Int
        public let at: String
        public let error: String

        enum CodingKeys: String, CodingKey {
            case message, state, attempt, at, error
            case sourceName = "source_name"
        }
    }

    /// Messages per state (every state present, zero included).
    public let states: [String: Int]
    /// Of the available messages, how many wait for a retry time still to come.
    public let waitingForRetry: Int
    /// When the oldest available message was enqueued, and its age in seconds; nil when none waits.
    public let oldestWaitingSince: String?
    public let oldestWaitingSeconds: Double?
    public let documents: Int
    public let facts: Int
    public let recentErrors: [RecentError]
    /// The daemons' heartbeat rows: the running ones, and those that stopped without removing theirs.
    public let daemons: [DaemonStatus]

    enum CodingKeys: String, CodingKey {
        case states, documents, facts, daemons
        case waitingForRetry = "waiting_for_retry"
        case oldestWaitingSince = "oldest_waiting_since"
        case oldestWaitingSeconds = "oldest_waiting_seconds"
        case recentErrors = "recent_errors"
    }

    /// Reads the status in one snapshot (a REPEATABLE READ transaction). Blocking.
    public static func read(on connection: PostgresConnection, errorLimit: Int = 10) throws -> QueueStatus {
        try connection.transaction { connection in
            try connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            var states = ["available": 0, "running": 0, "done": 0, "discarded": 0]
            for row in try connection.query("SELECT state, count(*) FROM zhibiao.ingest_queue GROUP BY state") {
                states[try row.decode(String.self, at: 0)] = try row.decode(Int.self, at: 1)
            }
            let waiting = try connection.query(
                """
                SELECT count(*) FILTER (WHERE run_at > now()), min(created_at)::text,
                       extract(epoch FROM now() - min(created_at))::float8
                FROM zhibiao.ingest_queue WHERE state = 'available'
                """
            ).first!
            let counts = try connection.query(
                "SELECT (SELECT count(*) FROM zhibiao.documents), (SELECT count(*) FROM zhibiao.facts)"
            ).first!
            let errors = try connection.query(
                """
                SELECT q.id, q.source_name, q.state, (e->>'attempt')::int, e->>'at', e->>'error'
                FROM zhibiao.ingest_queue q CROSS JOIN LATERAL jsonb_array_elements(q.errors) e
                WHERE q.errors <> '[]'::jsonb
                ORDER BY (e->>'at')::timestamptz DESC, q.id DESC
                LIMIT $1
                """, [errorLimit]
            ).map { row in
                RecentError(
                    message: try row.decode(Int64.self, at: 0), sourceName: try row.decode(String.self, at: 1),
                    state: try row.decode(String.self, at: 2), attempt: try row.decode(Int.self, at: 3),
                    at: try row.decode(String.self, at: 4), error: try row.decode(String.self, at: 5))
            }
            return QueueStatus(
                states: states, waitingForRetry: try waiting.decode(Int.self, at: 0),
                oldestWaitingSince: try waiting.decode(String?.self, at: 1),
                oldestWaitingSeconds: try waiting.decode(Double?.self, at: 2),
                documents: try counts.decode(Int.self, at: 0), facts: try counts.decode(Int.self, at: 1),
                recentErrors: errors, daemons: try DaemonStatus.readAll(on: connection))
        }
    }

    /// The status as JSON (one object, keys sorted).
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// The status for people.
    public var text: String {
        var lines = [
            "queue: "
                + ["available", "running", "done", "discarded"].map { "\($0) \(states[$0] ?? 0)" }
                .joined(separator: ", ")
        ]
        if waitingForRetry > 0 { lines.append("  of the available, \(waitingForRetry) wait for a retry") }
        if let since = oldestWaitingSince, let seconds = oldestWaitingSeconds {
            lines.append("oldest waiting: since \(since) (\(Int(seconds)) s)")
        } else {
            lines.append("oldest waiting: none")
        }
        lines.append("stored: \(documents) documents, \(facts) facts")
        let running = daemons.filter(\.running)
        if running.isEmpty {
            lines.append("workers: no worker is running (start one with `zhibiao-ingest serve`)")
        } else {
            lines.append("workers: \(running.count) daemon\(running.count == 1 ? "" : "s") running")
        }
        lines += running.map { "  " + $0.line }
        if let gone = daemons.last(where: { !$0.running }) {
            lines.append("  stopped without shutting down (killed or cut off): \(gone.line)")
        }
        if recentErrors.isEmpty {
            lines.append("recent errors: none")
        } else {
            lines.append("recent errors:")
            for error in recentErrors {
                let firstLine = error.error.split(separator: "\n").first.map(String.init) ?? ""
                lines.append(
                    "  #\(error.message) \(error.sourceName) [\(error.state)] attempt \(error.attempt) at "
                        + "\(error.at): \(firstLine)")
            }
        }
        // Names, errors and times come from producers: escaped, so that each stays on its own line.
        return lines.map(\.escapingControlCharacters).joined(separator: "\n")
    }
}
