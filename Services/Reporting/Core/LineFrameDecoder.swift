import NIOCore

/// One frame of the line protocol: a request line (without `\n` or `\r\n`), or the news that a line exceeded the cap.
public enum LineFrame: Sendable {
    case line(ByteBuffer)
    /// The line grew past the limit; everything after it is discarded and the connection should close.
    case tooLong
    /// The line was not complete within the line timeout (`RequestDeadlineHandler`); the connection should close.
    case timedOut
}

/// A user event `LineFrameDecoder` sends down the pipeline: a line began to arrive (bytes are buffered without their
/// newline yet), or the line that began has ended (its newline came, it overflowed, or the input ended).
public enum LineProgress: Sendable {
    case started
    case finished
}

/// Splits bytes into `\n`-terminated lines, at most `maximumLineBytes` each, skipping blank lines.
///
/// Unlike swift-nio-extras' `LineBasedFrameDecoder`, an over-long line does not buffer without bound nor fail the
/// pipeline with an error: it becomes a `.tooLong` frame *after* the frames before it, so the connection can answer
/// the earlier requests in order, then say why it closes. It also tells the next handler when a line starts and ends
/// (`LineProgress` events), so that a line can have a deadline however slowly its bytes arrive.
public struct LineFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = LineFrame

    public let maximumLineBytes: Int
    private var overflowed = false
    /// Bytes already searched for a newline (so a long line arriving in pieces is scanned once).
    private var scanned = 0
    /// A `.started` was sent for the line now buffered.
    private var lineStarted = false
    /// A newline was consumed since the last progress report.
    private var lineEnded = false

    public init(maximumLineBytes: Int) {
        self.maximumLineBytes = maximumLineBytes
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = nextFrame(&buffer) else {
            reportProgress(pending: buffer.readableBytes > 0, context: context)
            return .needMoreData
        }
        context.fireChannelRead(wrapInboundOut(frame))
        // With nothing left, NIO does not call `decode` again until more bytes come: report now.
        if buffer.readableBytes == 0 { reportProgress(pending: false, context: context) }
        return .continue
    }

    public mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        while let frame = nextFrame(&buffer) { context.fireChannelRead(wrapInboundOut(frame)) }
        // What remains is a line without its newline from a client that went away: there is no one to answer.
        buffer.moveReaderIndex(to: buffer.writerIndex)
        reportProgress(pending: false, context: context)
        return .needMoreData
    }

    /// Sends `.finished` when the line that started has ended, then `.started` when a new line is buffered.
    private mutating func reportProgress(pending: Bool, context: ChannelHandlerContext) {
        let pending = pending && !overflowed
        if lineStarted && (lineEnded || !pending) {
            lineStarted = false
            context.fireUserInboundEventTriggered(LineProgress.finished)
        }
        lineEnded = false
        if pending && !lineStarted {
            lineStarted = true
            context.fireUserInboundEventTriggered(LineProgress.started)
        }
    }

    /// The next complete frame in `buffer`, consuming it; nil when more bytes are needed.
    mutating func nextFrame(_ buffer: inout ByteBuffer) -> LineFrame? {
        while true {
            if overflowed {
                buffer.moveReaderIndex(to: buffer.writerIndex)
                return nil
            }
            let view = buffer.readableBytesView
            let searchFrom = view.index(view.startIndex, offsetBy: min(scanned, view.count))
            guard let newline = view[searchFrom...].firstIndex(of: UInt8(ascii: "\n")) else {
                scanned = view.count
                if view.count > maximumLineBytes {
                    overflowed = true
                    buffer.moveReaderIndex(to: buffer.writerIndex)
                    return .tooLong
                }
                return nil
            }
            scanned = 0
            lineEnded = true
            var length = view.distance(from: view.startIndex, to: newline)
            if length > maximumLineBytes {
                overflowed = true
                buffer.moveReaderIndex(to: buffer.writerIndex)
                return .tooLong
            }
            var line = buffer.readSlice(length: length)!
            buffer.moveReaderIndex(forwardBy: 1)
            if length > 0, line.getInteger(at: line.readerIndex + length - 1, as: UInt8.self) == UInt8(ascii: "\r") {
                length -= 1
                line = line.getSlice(at: line.readerIndex, length: length)!
            }
            if line.readableBytesView.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }  // blank line
            return .line(line)
        }
    }
}
