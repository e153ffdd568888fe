import Foundation
import ZhibiaoProtocol

/// Keeps answers fresh: counts changes announced by NOTIFY, refreshes the consolidated view (debounced, or at once
/// when a request needs it), and holds the result cache, which a change empties.
///
/// The rule that makes answers never stale once a NOTIFY has arrived: every change bumps `generation` and empties the
/// cache; a request first waits until the view was refreshed for the current generation; an answer computed while a
/// newer change arrived is not cached.
actor Freshness {
    private let refresh: @Sendable () async throws -> String
    private let debounce: Duration
    /// Bumped by every change notice (one per NOTIFY batch, and on (re)starting to listen).
    private(set) var generation = 1
    private var refreshedGeneration = 0
    private var asOf: String?
    private var inFlight: Task<Void, any Error>?
    private var debounceTask: Task<Void, Never>?
    private var cache: ResultCache
    /// Change notices received (tests wait on it).
    private(set) var changesSeen = 0
    private(set) var refreshes = 0

    init(debounce: Duration, cache: ResultCache, refresh: @escaping @Sendable () async throws -> String) {
        self.debounce = debounce
        self.cache = cache
        self.refresh = refresh
    }

    /// Something changed in the base tables: forget cached answers and schedule a debounced refresh.
    func changed() {
        generation += 1
        changesSeen += 1
        cache.removeAll()
        guard debounceTask == nil else { return }
        let delay = debounce
        debounceTask = Task { [weak self] in
            try? await Task.sleep(for: delay)
            await self?.debouncedRefresh()
        }
    }

    private func debouncedRefresh() async {
        debounceTask = nil
        _ = try? await current()
    }

    /// The consolidated view's `as_of`, refreshing first if a change arrived since the last refresh.
    func current() async throws -> (generation: Int, asOf: String) {
        while refreshedGeneration < generation || asOf == nil {
            if let inFlight {
                try await inFlight.value
                continue
            }
            let target = generation
            let task = Task {
                do {
                    let stamp = try await self.refresh()
                    self.finished(target: target, asOf: stamp)
                } catch {
                    self.failed()
                    throw error
                }
            }
            inFlight = task
            try await task.value
        }
        return (generation, asOf!)
    }

    private func finished(target: Int, asOf stamp: String) {
        refreshes += 1
        asOf = stamp
        refreshedGeneration = max(refreshedGeneration, target)
        inFlight = nil
    }

    private func failed() {
        inFlight = nil
    }

    // MARK: Cache

    func cached(_ key: String) -> String? {
        cache[key]
    }

    /// Keeps an answer computed at `generation`, unless a change arrived meanwhile.
    func store(_ key: String, _ result: String, generation: Int) {
        guard generation == self.generation else { return }
        cache.store(result, for: key)
    }

    /// Answers held and their bytes.
    var cacheUsage: (entries: Int, bytes: Int) { (cache.count, cache.bytes) }
}
