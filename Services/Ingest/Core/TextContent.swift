/// What a report's bytes must be: text, as the parser decodes it (`ExtractionParser.decodedText`). `submit` and
/// `--watch` check files with it before they enter the queue, saying why one is refused; a worker that meets such
/// bytes anyway (enqueued with SQL) discards the message at once with the same reason.
enum TextContent {
    /// The first bytes of the binary formats most often dropped in a reports folder, and what to call them.
    static let signatures: [(prefix: [UInt8], name: String)] = [
        ([0x89, 0x50, 0x4E, 0x47], "a PNG image"), ([0xFF, 0xD8, 0xFF], "a JPEG image"),
        (Array("GIF8".utf8), "a GIF image"), (Array("%PDF".utf8), "a PDF document"),
        ([0x50, 0x4B, 0x03, 0x04], "a ZIP archive (or a .docx, .xlsx document)"),
        ([0xD0, 0xCF, 0x11, 0xE0], "an old Office document (.doc, .xls)"), ([0x1F, 0x8B], "a gzip archive"),
        ([0x7F, 0x45, 0x4C, 0x46], "an executable (ELF)"), (Array("RIFF".utf8), "a RIFF media file (WebP, WAV, AVI)"),
    ]

    /// The binary format `bytes` start like (`a PNG image`), if any.
    static func binaryFormat(of bytes: [UInt8]) -> String? {
        signatures.first { bytes.starts(with: $0.prefix) }?.name
    }

    /// Why `bytes` are not a report's text (`not text: a PNG image`), or nil when they are.
    static func problem(_ bytes: [UInt8], name: String) -> String? {
        do {
            _ = try ExtractionParser.decodedText(bytes, name: name)
            return nil
        } catch {
            return error.description
        }
    }
}
