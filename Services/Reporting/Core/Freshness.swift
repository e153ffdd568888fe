import Foundation
import ZhibiaoProtocol

/// Keeps answers fresh: knows the database's generation of facts (`reporting.freshness`, advanced by every writer in
/// the transaction that changes facts) and holds the result cache, which a new generation empties.
///
/// The generation is read again after a NOTIFY (the fast path on a primary) and on every poll (the only path on a
/// hot standby, which refuses LISTEN; the safety net elsewhere). A request after a NOTIFY waits for that read, so no
/// answer is older than the last notification received; an answer computed while the generation moved is not cached.
/// Nothing is recomputed here: the writers maintain the consolidated values themselves.
actor Freshness {
    /// A generation of the facts and when it was written (ISO 8601, UTC): the `as_of` of answers.
    struct Stamp: Sendable, Equatable {
        let generation: Int64
        let asOf: String
    }

    private let read: @Sendable () async throws -> Stamp
    private var known: Stamp?
    /// A NOTIFY arrived since the last read.
    private var stale = true
    private var inFlight: Task<Stamp, any Error>?
    private var cache: ResultCache
    /// Change notices received (tests wait on it).
    private(set) var changesSeen = 0

    init(cache: ResultCache, read: @escaping @Sendable () async throws -> Stamp) {
        self.cache = cache
        self.read = read
    }

    /// A NOTIFY said facts changed: the next request reads the generation first.
    func changed() {
        changesSeen += 1
        stale = true
    }

    /// Reads the generation now (a poll, or after (re)starting to listen): the cache goes only if it moved.
    func check() async throws {
        stale = true
        _ = try await current()
    }

    /// The current generation, read first when a NOTIFY arrived since the last read. One read at a time.
    func current() async throws -> Stamp {
        while stale || known == nil {
            if let inFlight {
                _ = try await inFlight.value
                continue
            }
            stale = false
            let task = Task { try await self.read() }
            inFlight = task
            do {
                let stamp = try await task.value
                inFlight = nil
                if stamp != known {
                    known = stamp
                    cache.removeAll()
                }
            } catch {
                inFlight = nil
                stale = true
                throw error
            }
        }
        return known!
    }

    // MARK: Cache

    func cached(_ key: String) -> String? {
        cache[key]
    }

    /// Keeps an answer computed at `stamp`, unless the generation moved or a change was announced meanwhile.
    func store(_ key: String, _ result: String, stamp: Stamp) {
        guard stamp == known, !stale else { return }
        cache.store(result, for: key)
    }

    /// Answers held and their bytes.
    var cacheUsage: (entries: Int, bytes: Int) { (cache.count, cache.bytes) }
}
