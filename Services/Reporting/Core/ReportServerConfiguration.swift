import Foundation
import ZhibiaoPostgres

/// Everything the reporting server needs to know, resolved from flags and environment by the CLI.
public struct ReportServerConfiguration: Sendable {
    /// The Unix socket path (< 104 bytes).
    public var socketPath: String
    /// Permission bits of the socket file (0660: owner and group may connect).
    public var socketMode: mode_t = 0o660
    /// Connections beyond this get a `-32001` reply and are closed.
    public var maxConnections: Int = 256
    /// Connections one user (the peer's uid) may hold; beyond it, `-32001` (the CLI's default: half of
    /// `maxConnections`).
    public var maxConnectionsPerUser: Int = 128
    /// A connection with no request for this long is closed.
    public var idleTimeout: Duration = .seconds(300)
    /// A request line must be complete this long after its first byte, or it gets a `-32006` reply and the
    /// connection closes.
    public var lineTimeout: Duration = .seconds(10)
    /// How long a graceful shutdown waits for connections to finish their requests before closing them.
    public var shutdownTimeout: Duration = .seconds(10)
    /// A request line longer than this gets a `-32003` reply and the connection closes.
    public var maxLineBytes: Int = 1 << 20
    /// The most rows one answer carries (`limit` is clamped to it).
    public var rowCap: Int = 1000
    /// The deepest `offset` a list accepts (`cursor` pages at any depth).
    public var maxOffset: Int = 10_000
    /// A result larger than this (UTF-8 bytes) is replaced by a `-32007` error.
    public var maxReplyBytes: Int = 16 << 20
    /// The database, logged in as the reporting role itself (`zhibiao_reporting`): what keeps the server from
    /// writing is that login's privileges, not a `SET ROLE` that an injected `RESET ROLE` would undo.
    /// `zhibiao-report serve` refuses a login that can write (`ReadOnlyLogin`).
    public var database: ConnectionTarget
    /// `statement_timeout` of query sessions, in milliseconds.
    public var statementTimeoutMilliseconds: Int = 5000
    /// Database sessions for queries.
    public var poolSize: Int = 4
    /// Answers kept in the result cache (0 turns it off).
    public var cacheEntries: Int = 4096
    /// Bytes of keys and answers the result cache may hold (0 turns it off).
    public var cacheBytes: Int = 64 << 20
    /// How often the generation of the facts is read when no NOTIFY came: on a hot standby, how long after its
    /// replay a change may still be answered from the cache.
    public var freshnessPoll: Duration = .milliseconds(250)
    /// The channel ingest notifies after committing facts.
    public var notificationChannel: String = "zhibiao_facts"

    public init(socketPath: String, database: ConnectionTarget) {
        self.socketPath = socketPath
        self.database = database
    }

    /// SQL run on every query session after (re)connecting: read-only, bounded statements. No JIT: the
    /// planner's estimates over the recursive region views are large enough to trigger it, and compiling cost
    /// seconds (2.3 s of a 2.3 s `regions` page on the seeds) for queries that run in milliseconds.
    var querySessionSetup: String {
        "SET default_transaction_read_only = on; SET statement_timeout = \(statementTimeoutMilliseconds); "
            + "SET jit = off"
    }

    /// The listener's and the generation reader's sessions (LISTEN is not a query: no read-only transaction).
    var maintenanceSessionSetup: String {
        "SET statement_timeout = \(max(statementTimeoutMilliseconds, 60_000))"
    }
}
