@testable import PyForgeCore
import Testing

@Suite struct BoundedQueueTests {
    @Test func deliversInOrderAcrossThreads() {
        let queue = BoundedQueue<Int>(capacity: 2)
        let producer = BackgroundThread {
            for i in 0..<10_000 { queue.push(i) }
            queue.close()
        }
        producer.start()
        var received: [Int] = []
        while let value = queue.pop() { received.append(value) }
        producer.join()
        #expect(received == Array(0..<10_000))
    }

    @Test func closingStopsABlockedProducer() {
        let queue = BoundedQueue<Int>(capacity: 1)
        let producer = BackgroundThread {
            var i = 0
            while queue.push(i) { i += 1 }
        }
        producer.start()
        _ = queue.pop()
        queue.close()
        producer.join()  // returns: the push saw the close
        #expect(Bool(true))
    }
}
