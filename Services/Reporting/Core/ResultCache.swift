import NIOCore

/// Encoded answers by request, bounded by a number of entries and by bytes; when either bound is reached the oldest
/// answers go first. An answer larger than the whole byte budget is not kept.
struct ResultCache {
    let maxEntries: Int
    let maxBytes: Int
    private var answers: [String: String] = [:]
    /// Keys in the order they were stored, oldest first.
    private var order = CircularBuffer<String>()
    /// The UTF-8 bytes of the keys and answers held.
    private(set) var bytes = 0

    init(maxEntries: Int, maxBytes: Int) {
        self.maxEntries = maxEntries
        self.maxBytes = maxBytes
    }

    var count: Int { answers.count }

    subscript(key: String) -> String? { answers[key] }

    mutating func store(_ answer: String, for key: String) {
        let size = key.utf8.count + answer.utf8.count
        guard maxEntries > 0, size <= maxBytes, answers[key] == nil else { return }
        while answers.count >= maxEntries || bytes + size > maxBytes, let oldest = order.popFirst() {
            if let evicted = answers.removeValue(forKey: oldest) { bytes -= oldest.utf8.count + evicted.utf8.count }
        }
        answers[key] = answer
        order.append(key)
        bytes += size
    }

    mutating func removeAll() {
        answers.removeAll(keepingCapacity: true)
        order.removeAll(keepingCapacity: true)
        bytes = 0
    }
}
