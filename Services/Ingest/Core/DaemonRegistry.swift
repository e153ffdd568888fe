import Foundation
import Logging
import ZhibiaoPostgres

/// A daemon's row in `zhibiao.ingest_daemons` (migration 0008), as `status` reads it.
public struct DaemonStatus: Codable, Sendable {
    /// `host:pid`, which its workers' `locked_by` values start with.
    public let name: String
    public let host: String
    public let pid: Int
    public let workers: Int
    public let since: String
    public let lastSeen: String
    public let lastSeenSecondsAgo: Double
    /// Whether its database session is still there: false for a daemon that stopped without removing its row
    /// (killed, crashed, cut off).
    public let running: Bool
    /// Its counters since it started, by metric name.
    public let counters: [String: Int64]

    enum CodingKeys: String, CodingKey {
        case name, host, pid, workers, since, running, counters
        case lastSeen = "last_seen"
        case lastSeenSecondsAgo = "last_seen_seconds_ago"
    }

    func count(_ metric: String) -> Int64 { counters["zhibiao_ingest_\(metric)_total"] ?? 0 }

    /// `myhost pid 4242: 2 workers since …, 12 messages done (1 failed, 0 discarded), last seen 1 s ago`.
    var line: String {
        "\(host) pid \(pid): \(workers) worker\(workers == 1 ? "" : "s") since \(since), "
            + "\(count("messages_done")) messages done (\(count("messages_failed")) failed, "
            + "\(count("messages_discarded")) discarded), last seen \(Int(lastSeenSecondsAgo.rounded())) s ago"
    }

    /// Every row, oldest daemon first. Part of the caller's snapshot when called inside its transaction.
    static func readAll(on connection: PostgresConnection) throws -> [DaemonStatus] {
        try connection.query(
            """
            SELECT d.name, d.host, d.pid, d.workers, d.started_at::text, d.last_seen::text,
                   extract(epoch FROM now() - d.last_seen)::float8, d.counters::text,
                   EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = d.backend_pid)
            FROM zhibiao.ingest_daemons d ORDER BY d.started_at, d.name
            """
        ).map { row in
            DaemonStatus(
                name: try row.decode(String.self, at: 0), host: try row.decode(String.self, at: 1),
                pid: try row.decode(Int.self, at: 2), workers: try row.decode(Int.self, at: 3),
                since: try row.decode(String.self, at: 4), lastSeen: try row.decode(String.self, at: 5),
                lastSeenSecondsAgo: try row.decode(Double.self, at: 6),
                running: try row.decode(Bool.self, at: 8),
                counters: (try? JSONDecoder().decode(
                    [String: Int64].self,
                    from: Data(try row.decode(String.self, at: 7).utf8))) ?? [:])
        }
    }
}

/// A running daemon's heartbeat: its row in `zhibiao.ingest_daemons`, written with its counters at start, every
/// `interval`, and by a worker after each batch it completes; removed when the daemon stops cleanly.
struct Heartbeat: Sendable {
    static let interval: Duration = .seconds(2)

    let name: String
    let workers: Int
    let logger: Logger

    /// Beats on `connection` until the task is cancelled, then removes the row. A failed beat is logged (the first
    /// of a run of failures) and the next one tries again on a reconnected session.
    func run(on connection: PostgresConnection) async {
        var failing = false
        while !Task.isCancelled {
            do {
                try await connection.run { try beat(on: $0) }
                failing = false
            } catch {
                if !failing { logger.warning("heartbeat failed", metadata: ["error": "\(error)"]) }
                failing = true
            }
            try? await Task.sleep(for: Self.interval)
        }
        _ = try? await connection.run { try $0.query("DELETE FROM zhibiao.ingest_daemons WHERE name = $1", [name]) }
    }

    /// Writes the row: the session it beats on, the time, this process's counters.
    func beat(on connection: PostgresConnection) throws {
        let counters = IngestMetrics.shared.totals
        let json = String(decoding: try JSONEncoder().encode(counters), as: UTF8.self)
        try connection.query(
            """
            INSERT INTO zhibiao.ingest_daemons (name, host, pid, workers, backend_pid, counters)
            VALUES ($1, $2, $3, $4, pg_backend_pid(), $5::jsonb)
            ON CONFLICT (name) DO UPDATE SET workers = EXCLUDED.workers, last_seen = now(),
                backend_pid = EXCLUDED.backend_pid, counters = EXCLUDED.counters
            """,
            [name, ProcessInfo.processInfo.hostName, Int(ProcessInfo.processInfo.processIdentifier), workers, json])
    }

    /// Deletes the rows of daemons whose session is gone (they were killed): a starting daemon tidies up.
    static func removeGone(on connection: PostgresConnection) throws {
        try connection.query(
            """
            DELETE FROM zhibiao.ingest_daemons d
            WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = d.backend_pid)
            """)
    }
}
