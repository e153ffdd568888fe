extension String {
    /// The string's scalar values, for matching against normalized text.
    var scalarValues: [UInt32] { unicodeScalars.map(\.value) }

    /// Text from scalar values (a value that is not a scalar becomes a space), encoded straight into the string's
    /// UTF-8 storage: one allocation, where appending to a `UnicodeScalarView` grows and checks per scalar.
    init(scalarValues values: some Collection<UInt32>) {
        self.init(unsafeUninitializedCapacity: values.count * 4) { buffer in
            var n = 0
            for value in values {
                let v = Unicode.Scalar(value)?.value ?? 0x20
                if v < 0x80 {
                    buffer[n] = UInt8(v)
                    n += 1
                } else if v < 0x800 {
                    buffer[n] = UInt8(0xC0 | v >> 6)
                    buffer[n + 1] = UInt8(0x80 | v & 0x3F)
                    n += 2
                } else if v < 0x10000 {
                    buffer[n] = UInt8(0xE0 | v >> 12)
                    buffer[n + 1] = UInt8(0x80 | v >> 6 & 0x3F)
                    buffer[n + 2] = UInt8(0x80 | v & 0x3F)
                    n += 3
                } else {
                    buffer[n] = UInt8(0xF0 | v >> 18)
                    buffer[n + 1] = UInt8(0x80 | v >> 12 & 0x3F)
                    buffer[n + 2] = UInt8(0x80 | v >> 6 & 0x3F)
                    buffer[n + 3] = UInt8(0x80 | v & 0x3F)
                    n += 4
                }
            }
            return n
        }
    }
}
