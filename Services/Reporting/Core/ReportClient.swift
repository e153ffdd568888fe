import NIOCore
import NIOPosix
import ZhibiaoProtocol

/// A client connection to the reporting socket, for the CLI and tests: send lines, read reply lines.
///
/// Scoped: `ReportClient.withConnection(socket:) { connection in … }` closes the connection when the body returns.
public enum ReportClient {
    public static func withConnection<T>(
        socket path: String, maxLineBytes: Int = 64 << 20,
        _ body: (ReportConnection) async throws -> T
    ) async throws -> T {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(unixDomainSocketPath: path) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(LineFrameDecoder(maximumLineBytes: maxLineBytes)))
                    return try NIOAsyncChannel<LineFrame, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            let connection = ReportConnection(inbound: inbound.makeAsyncIterator(), outbound: outbound)
            return try await body(connection)
        }
    }
}

/// One open connection (use it from one task).
public final class ReportConnection {
    private var inbound: NIOAsyncChannelInboundStream<LineFrame>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private var nextID = 1

    init(
        inbound: NIOAsyncChannelInboundStream<LineFrame>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) {
        self.inbound = inbound
        self.outbound = outbound
    }

    /// Sends one line (a `\n` is appended).
    public func send(_ line: String) async throws {
        var buffer = ByteBuffer(string: line)
        buffer.writeInteger(UInt8(ascii: "\n"))
        try await outbound.write(buffer)
    }

    /// Sends bytes as they are (tests: garbage, partial lines).
    public func sendRaw(_ bytes: [UInt8]) async throws {
        try await outbound.write(ByteBuffer(bytes: bytes))
    }

    /// The next reply line, or nil when the server closed the connection.
    public func readLine() async throws -> String? {
        while let frame = try await inbound.next() {
            if case .line(let bytes) = frame { return String(decoding: bytes.readableBytesView, as: UTF8.self) }
        }
        return nil
    }

    /// Sends a request and reads its reply.
    public func call(_ method: String, _ params: [(String, JSONValue)] = []) async throws -> RPCResponse {
        let id = nextID
        nextID += 1
        try await send(RPCRequest(id: .int(id), method: method, params: params).json.encoded())
        guard let line = try await readLine() else { throw ReportClientError.closed }
        return try RPCResponse(line: line)
    }
}

public struct ReportClientError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public static let closed = ReportClientError(description: "the server closed the connection")
}
