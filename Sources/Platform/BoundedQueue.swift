#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A blocking FIFO of bounded capacity that hands values from one thread to another,
/// so a producer never runs more than `capacity` items ahead of its consumer.
public final class BoundedQueue<Element: Sendable>: @unchecked Sendable {
    // The pthread primitives are only touched with `mutex` held (or in init/deinit).
    private var mutex = pthread_mutex_t()
    private var notEmpty = pthread_cond_t()
    private var notFull = pthread_cond_t()
    /// At most `capacity` elements, so removing from the front is cheap.
    private var items: [Element] = []
    private var closed = false
    public let capacity: Int

    public init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&notEmpty, nil)
        pthread_cond_init(&notFull, nil)
    }

    deinit {
        pthread_cond_destroy(&notFull)
        pthread_cond_destroy(&notEmpty)
        pthread_mutex_destroy(&mutex)
    }

    /// Blocks while the queue is full. Returns false when the consumer closed the queue,
    /// telling the producer to stop.
    @discardableResult
    public func push(_ element: Element) -> Bool {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        while items.count >= capacity && !closed { pthread_cond_wait(&notFull, &mutex) }
        if closed { return false }
        items.append(element)
        pthread_cond_signal(&notEmpty)
        return true
    }

    /// Blocks until an element is available; nil once the queue is closed and drained.
    public func pop() -> Element? {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        while items.isEmpty && !closed { pthread_cond_wait(&notEmpty, &mutex) }
        guard !items.isEmpty else { return nil }
        // Removing (not just skipping) the element releases it: a consumed batch must not
        // stay alive in the queue.
        let element = items.removeFirst()
        pthread_cond_signal(&notFull)
        return element
    }

    /// Wakes both sides; pushes fail from now on, pops drain what is left.
    public func close() {
        pthread_mutex_lock(&mutex)
        closed = true
        pthread_cond_broadcast(&notEmpty)
        pthread_cond_broadcast(&notFull)
        pthread_mutex_unlock(&mutex)
    }
}
