import NIOCore

/// The two clocks of a connection, after `LineFrameDecoder`:
///
/// - idle: with no line arriving, a connection is closed `idleTimeout` after its last complete line (or after it
///   opened);
/// - line: a line must be complete `lineTimeout` after its first byte, however its bytes trickle in; otherwise a
///   `.timedOut` frame follows the frames before it, and the server answers it and closes.
///
/// Partial bytes never push either deadline back: a client sending a byte a second holds a connection for one line
/// timeout, not forever.
final class RequestDeadlineHandler: ChannelInboundHandler {
    typealias InboundIn = LineFrame
    typealias InboundOut = LineFrame

    private let idleTimeout: TimeAmount
    private let lineTimeout: TimeAmount
    private var lineInProgress = false
    private var timer: Scheduled<Void>?

    init(idleTimeout: TimeAmount, lineTimeout: TimeAmount) {
        self.idleTimeout = idleTimeout
        self.lineTimeout = lineTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { startIdleClock(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        startIdleClock(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopClock()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopClock()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .line = unwrapInboundIn(data), !lineInProgress { startIdleClock(context) }
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event as? LineProgress {
        case .started?:
            lineInProgress = true
            arm(context, after: lineTimeout) { context in
                context.fireChannelRead(NIOAny(LineFrame.timedOut))
            }
        case .finished?:
            lineInProgress = false
            startIdleClock(context)
        case nil:
            context.fireUserInboundEventTriggered(event)
        }
    }

    private func startIdleClock(_ context: ChannelHandlerContext) {
        arm(context, after: idleTimeout) { context in context.close(promise: nil) }
    }

    /// Replaces the running clock with one that calls `expire` after `delay`.
    private func arm(
        _ context: ChannelHandlerContext, after delay: TimeAmount, _ expire: @escaping (ChannelHandlerContext) -> Void
    ) {
        stopClock()
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: delay) { [weak self] in
            guard let self, self.timer != nil else { return }
            self.timer = nil
            expire(context)
        }
    }

    private func stopClock() {
        timer?.cancel()
        timer = nil
    }
}
