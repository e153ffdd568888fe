/// A set of Basic Multilingual Plane characters as a 64 Kbit bitmap: membership is one shift and mask, where a
/// `Set<UInt32>` hashes on every test (the scanners ask for nearly every character of the text).
struct ScalarSet: Sendable {
    private var bits = [UInt64](repeating: 0, count: 1 << 10)

    init(_ characters: String) {
        for scalar in characters.unicodeScalars { insert(scalar.value) }
    }

    init(_ values: some Sequence<UInt32>) {
        for value in values { insert(value) }
    }

    private mutating func insert(_ value: UInt32) {
        precondition(value <= 0xFFFF, "ScalarSet holds Basic Multilingual Plane characters only")
        bits[Int(value >> 6)] |= 1 << UInt64(value & 63)
    }

    @inline(__always) func contains(_ value: UInt32) -> Bool {
        value <= 0xFFFF && bits[Int(value >> 6)] & (1 << UInt64(value & 63)) != 0
    }
}
