import Synchronization
import Testing
import Platform

/// A deadlock in the queue would otherwise hang the whole test run: each test waits for its
/// producer thread through `finished(_:)`, which gives up when the time limit cancels it.
@Suite(.timeLimit(.minutes(1))) struct BoundedQueueTests {
    @Test func deliversInOrderAcrossThreads() async {
        let queue = BoundedQueue<Int>(capacity: 2)
        let consumed = Mutex<[Int]>([])
        let consumer = BackgroundThread {
            while let value = queue.pop() { consumed.withLock { $0.append(value) } }
        }
        consumer.start()
        let producer = BackgroundThread {
            for i in 0..<10_000 { queue.push(i) }
            queue.close()
        }
        #expect(await finished(producer), "the producer never finished")
        #expect(await finished(joining: consumer), "the consumer never saw the close")
        #expect(consumed.withLock { $0 } == Array(0..<10_000))
    }

    @Test func closingStopsABlockedProducer() async {
        let queue = BoundedQueue<Int>(capacity: 1)
        let accepted = Mutex(0)
        let producer = BackgroundThread {
            var i = 0
            while queue.push(i) {
                i += 1
                accepted.withLock { $0 = i }
            }
        }
        producer.start()
        #expect(queue.pop() == 0)
        queue.close()
        // The producer was blocked on a full queue (or about to be); the close must wake it
        // with a failed push rather than leave it waiting for room that never comes.
        #expect(await finished(joining: producer), "a producer blocked on a full queue was not woken by close()")
        // At most one element beyond the one popped fitted into the capacity-1 queue, and
        // whatever fitted is still drained after the close.
        let pushed = accepted.withLock { $0 }
        #expect((1...2).contains(pushed))
        var drained: [Int] = []
        while let value = queue.pop() { drained.append(value) }
        #expect(drained == Array(1..<pushed))
        #expect(!queue.push(99), "a push after close() must fail")
    }

    @Test func popOnAnEmptyClosedQueueReturnsNil() {
        let queue = BoundedQueue<String>(capacity: 3)
        queue.push("a")
        queue.close()
        #expect(queue.pop() == "a")
        #expect(queue.pop() == nil)
    }
}

/// Starts `thread` and waits for it to finish; false when the wait was cancelled first.
private func finished(_ thread: BackgroundThread) async -> Bool {
    await finished(joining: thread, start: true)
}

/// Waits (without blocking the test's task) until `thread`'s body has returned, then joins
/// it. Returns false, leaving the thread behind, when the test's time limit cancels the
/// wait: a hung thread then fails the test instead of hanging the run.
private func finished(joining thread: BackgroundThread, start: Bool = false) async -> Bool {
    let waiter = OnceContinuation()
    let joiner = BackgroundThread {
        if start { thread.start() }
        thread.join()
        waiter.resume(true)
    }
    joiner.start()
    return await withTaskCancellationHandler {
        await withCheckedContinuation { continuation in waiter.set(continuation) }
    } onCancel: {
        waiter.resume(false)
    }
}

/// A continuation resumed by whichever comes first, the thread or the cancellation.
private final class OnceContinuation: Sendable {
    private let state = Mutex<(continuation: CheckedContinuation<Bool, Never>?, result: Bool?)>((nil, nil))

    func set(_ continuation: CheckedContinuation<Bool, Never>) {
        let ready = state.withLock { state -> Bool? in
            if let result = state.result { return result }
            state.continuation = continuation
            return nil
        }
        if let ready { continuation.resume(returning: ready) }
    }

    func resume(_ result: Bool) {
        let continuation = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            guard state.result == nil else { return nil }
            state.result = result
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume(returning: result)
    }
}
