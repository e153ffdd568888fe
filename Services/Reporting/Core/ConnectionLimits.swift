import NIOConcurrencyHelpers
import NIOCore
import ZhibiaoProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// Admits connections up to a total and up to a share per peer user, so that one user's clients — slow, idle or
/// many — cannot take every connection from the others.
///
/// The peer is the uid the kernel reports for the Unix socket's other end (`SO_PEERCRED`), which a client cannot
/// forge; a connection whose peer is unknown counts against the total only.
final class ConnectionLimits: Sendable {
    let maxConnections: Int
    let maxPerUser: Int
    private let counts = NIOLockedValueBox((total: 0, byUser: [uid_t: Int]()))

    init(maxConnections: Int, maxPerUser: Int) {
        self.maxConnections = maxConnections
        self.maxPerUser = maxPerUser
    }

    /// Counts the connection in, or returns the `-32001` error to send before closing it.
    func admit(user: uid_t?) -> RPCError? {
        let refusal: RPCError? = counts.withLockedValue { counts in
            guard counts.total < maxConnections else {
                return RPCError(
                    code: .tooManyConnections, message: "too many connections (limit \(maxConnections))",
                    data: .object([("max_connections", .int(maxConnections))]))
            }
            if let user {
                guard counts.byUser[user, default: 0] < maxPerUser else {
                    return RPCError(
                        code: .tooManyConnections,
                        message: "too many connections from uid \(user) (limit \(maxPerUser) per user)",
                        data: .object([("max_connections_per_uid", .int(maxPerUser)), ("uid", .int(Int(user)))]))
                }
                counts.byUser[user, default: 0] += 1
            }
            counts.total += 1
            ReportMetrics.connections.record(counts.total)
            return nil
        }
        if refusal != nil { ReportMetrics.connectionsRefused.increment() }
        return refusal
    }

    /// Counts an admitted connection out.
    func release(user: uid_t?) {
        counts.withLockedValue { counts in
            counts.total -= 1
            if let user {
                counts.byUser[user, default: 1] -= 1
                if counts.byUser[user] == 0 { counts.byUser[user] = nil }
            }
            ReportMetrics.connections.record(counts.total)
        }
    }

    /// The uid of the process at the other end of a Unix socket connection (nil where the platform cannot say).
    static func peerUser(of channel: any Channel) async -> uid_t? {
        #if canImport(Glibc)
            guard let provider = channel as? any SocketOptionProvider else { return nil }
            let credentials: EventLoopFuture<PeerCredentials> = provider.unsafeGetSocketOption(
                level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
            return try? await credentials.get().uid
        #else
            return nil
        #endif
    }
}

#if canImport(Glibc)
    /// Linux's `struct ucred` (which Swift's Glibc module does not export): what `SO_PEERCRED` returns.
    struct PeerCredentials: Sendable {
        var pid: pid_t = 0
        var uid: uid_t = 0
        var gid: gid_t = 0
    }
#endif
