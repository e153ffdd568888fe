import Foundation

/// Wakes idle workers: NOTIFY arrived, a file was enqueued, or shutdown began. Waiting always has a timeout, so a
/// lost NOTIFY costs at most one poll interval.
final class WakeUp: @unchecked Sendable {
    private let lock = NSLock()
    private var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    private var nextID: UInt64 = 0
    private var pending = false

    /// Wakes every waiting worker; a signal with nobody waiting wakes the next one to wait.
    func signal() {
        let woken = lock.withLock {
            let woken = waiters
            waiters.removeAll()
            if woken.isEmpty { pending = true }
            return woken
        }
        for waiter in woken.values { waiter.resume() }
    }

    /// Returns at the next signal or after `timeout`, whichever comes first.
    func wait(upTo timeout: Duration) async {
        let id: UInt64? = lock.withLock {
            if pending {
                pending = false
                return nil
            }
            nextID += 1
            return nextID
        }
        guard let id else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            lock.withLock { waiters[id] = continuation }
            Task { [weak self] in
                try? await Task.sleep(for: timeout)
                self?.resume(id)
            }
        }
    }

    private func resume(_ id: UInt64) {
        lock.withLock { waiters.removeValue(forKey: id) }?.resume()
    }
}
