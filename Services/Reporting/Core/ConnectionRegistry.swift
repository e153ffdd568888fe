import NIOConcurrencyHelpers
import NIOCore

/// The open connections, so that a graceful shutdown closes the idle ones at once and the busy ones right after
/// their current request.
final class ConnectionRegistry: Sendable {
    final class State: Sendable {
        let channel: any Channel
        /// (busy with a request, draining)
        let flags = NIOLockedValueBox((busy: false, draining: false))

        init(_ channel: any Channel) { self.channel = channel }

        /// Marks the start of a request; false when the server is draining (stop reading).
        func begin() -> Bool {
            flags.withLockedValue { flags in
                guard !flags.draining else { return false }
                flags.busy = true
                return true
            }
        }

        /// Marks the end of a request; false when the server is draining (close now).
        @discardableResult
        func end() -> Bool {
            flags.withLockedValue { flags in
                flags.busy = false
                return !flags.draining
            }
        }

        /// Asks the connection to stop; closes it now if it is between requests.
        func drain() {
            let idle = flags.withLockedValue { flags in
                flags.draining = true
                return !flags.busy
            }
            if idle { channel.close(promise: nil) }
        }
    }

    private let box = NIOLockedValueBox(
        (
            states: [ObjectIdentifier: State](), draining: false,
            waiters: [CheckedContinuation<Void, Never>]()
        ))

    func add(_ channel: any Channel) -> State {
        let state = State(channel)
        let draining = box.withLockedValue { box in
            box.states[ObjectIdentifier(state)] = state
            return box.draining
        }
        if draining { state.drain() }
        return state
    }

    func remove(_ state: State) {
        let waiters = box.withLockedValue { box in
            box.states[ObjectIdentifier(state)] = nil
            guard box.states.isEmpty else { return [CheckedContinuation<Void, Never>]() }
            defer { box.waiters = [] }
            return box.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func drainAll() {
        let states = box.withLockedValue { box in
            box.draining = true
            return Array(box.states.values)
        }
        for state in states { state.drain() }
    }

    /// Closes every connection, busy or not (the shutdown deadline); returns how many were open.
    func closeAll() -> Int {
        let states = box.withLockedValue { Array($0.states.values) }
        for state in states { state.channel.close(promise: nil) }
        return states.count
    }

    func waitUntilEmpty() async {
        await withCheckedContinuation { continuation in
            let empty = box.withLockedValue { box in
                if box.states.isEmpty { return true }
                box.waiters.append(continuation)
                return false
            }
            if empty { continuation.resume() }
        }
    }
}
