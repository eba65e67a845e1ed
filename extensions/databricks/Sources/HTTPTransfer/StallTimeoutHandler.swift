import NIOCore
import NIOHTTP1

/// Fails the connection when neither direction makes progress for `timeout`: no response
/// bytes arrived and no request bytes were written. A slow but moving transfer of any size
/// never times out; a stalled one fails with ``HTTPTransferError/writeTimeout`` while the
/// request is still being sent and ``HTTPTransferError/readTimeout`` after. While the request
/// is incomplete and no write is waiting on the peer, the wait is this process's own (the
/// body's source, or a busy machine delaying the sending task), not a stalled peer, so it
/// does not count.
final class StallTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias InboundOut = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    private let timeout: TimeAmount
    private var lastProgress = NIODeadline.now()
    private var requestSent = false
    /// Writes handed to the socket and not yet completed: the peer owes us progress only then.
    private var pendingWrites = 0
    private var check: Scheduled<Void>?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stop()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stop()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastProgress = .now()
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let isEnd: Bool
        if case .end = unwrapOutboundIn(data) { isEnd = true } else { isEnd = false }
        // Progress is a write that reached the socket, not one queued behind a stalled peer.
        let written = promise ?? context.eventLoop.makePromise()
        pendingWrites += 1
        written.futureResult.assumeIsolated().whenComplete { result in
            self.pendingWrites -= 1
            guard case .success = result else { return }
            self.lastProgress = .now()
            if isEnd { self.requestSent = true }
        }
        context.write(data, promise: written)
    }

    private func start(_ context: ChannelHandlerContext) {
        guard check == nil else { return }
        lastProgress = .now()
        schedule(context)
    }

    private func stop() {
        check?.cancel()
        check = nil
    }

    private func schedule(_ context: ChannelHandlerContext) {
        check = context.eventLoop.assumeIsolated().scheduleTask(deadline: lastProgress + timeout) {
            self.expire(context)
        }
    }

    private func expire(_ context: ChannelHandlerContext) {
        guard check != nil else { return }
        if NIODeadline.now() - lastProgress < timeout || (!requestSent && pendingWrites == 0) {
            schedule(context)  // progress since this check was scheduled, or nothing owed by the peer
            return
        }
        check = nil
        context.fireErrorCaught(requestSent ? HTTPTransferError.readTimeout : HTTPTransferError.writeTimeout)
        context.close(promise: nil)
    }
}
