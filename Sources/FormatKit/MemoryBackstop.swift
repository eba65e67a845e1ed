import Platform
import Synchronization

/// The last line of defence behind the memory budget: a process limit, so that a bug that
/// allocates past every reader's bound fails this conversion instead of the machine.
///
/// RLIMIT_DATA, not RLIMIT_AS: since Linux 4.7 RLIMIT_DATA counts the private writable
/// memory (heap, anonymous mappings, thread stacks), which is what a conversion actually
/// uses. RLIMIT_AS counts every reservation too (glibc's 64 MiB arena per thread, the
/// runtime's and libraries' mappings, a sanitizer's shadow memory), so a limit low enough
/// to matter would fail processes that use little. Worker processes and extensions inherit
/// the limit. An allocation past it fails: the Swift runtime then aborts with errno ENOMEM,
/// which the SIGABRT handler here turns into the budget's sentence (a worker exits with
/// `exhaustedStatus`, which its parent reports for that file), after removing temporaries.
public enum MemoryBackstop {
    /// A worker's exit status when an allocation failed against the limit.
    public static let exhaustedStatus: Int32 = 86

    /// Lowers this process's RLIMIT_DATA (the soft limit) to `bytes`; a lower limit set
    /// outside pyforge (`ulimit -d`) stays.
    public static func limit(to bytes: Int) {
        var current = rlimit()
        guard getrlimit(dataResource, &current) == 0 else { return }
        let wanted = rlim_t(bytes)
        if current.rlim_cur == unlimited || wanted < current.rlim_cur {
            var updated = current
            updated.rlim_cur = wanted
            _ = setrlimit(dataResource, &updated)
        }
        installHandler()
    }

    /// RLIM_INFINITY (all ones), which Swift cannot import from its C macro.
    private static let unlimited = rlim_t.max

    #if canImport(Glibc)
    private static let dataResource = __rlimit_resource_t(RLIMIT_DATA.rawValue)
    #else
    private static let dataResource = RLIMIT_DATA
    #endif

    /// In a worker: an exhausted budget ends it with `exhaustedStatus` (the parent says which
    /// file); elsewhere with 1 after printing the sentence `prepare` made.
    public static func becomeWorker() {
        status.store(exhaustedStatus, ordering: .relaxed)
        messageLength.store(0, ordering: .relaxed)
    }

    /// The sentence printed if `input`'s conversion (nil: the command's) exhausts the budget
    /// in this process.
    public static func prepare(input: String?) {
        guard status.load(ordering: .relaxed) != exhaustedStatus else { return }
        let reason = exhaustedReason(budget: MemoryBudget.current.bytes)
        let sentence = input.map { ConversionError.conversionCrashed(input: $0, reason: reason + ".").description }
            ?? "The command \(reason)."
        let text = "pyforge: error: \(sentence)\n"
        let bytes = Array(text.utf8.prefix(messageCapacity))
        bytes.withUnsafeBufferPointer { message.update(from: $0.baseAddress!, count: $0.count) }
        messageLength.store(bytes.count, ordering: .relaxed)
    }

    /// Why a conversion failed when an allocation met the limit (the one in force here,
    /// which workers inherit: the budget's backstop, or a lower one set outside pyforge).
    public static func exhaustedReason(budget: Int) -> String {
        var current = rlimit()
        let limit = getrlimit(dataResource, &current) == 0 && current.rlim_cur != unlimited ? Int(clamping: current.rlim_cur) : nil
        let limitText = limit.map { " at the process limit of \(MemoryBudget.describe($0))" } ?? ""
        let suggested = MemoryBudget.describe(MemoryBudget.suggestion(above: budget), compact: true)
        return "ran out of its memory budget: an allocation failed\(limitText) (the \(MemoryBudget.describe(budget)) budget plus headroom, or a lower limit set outside pyforge); no output was written for it. Pass a larger --max-memory (for example --max-memory \(suggested)) or set \(MemoryBudget.variable), and check 'ulimit -d'"
    }

    private static let messageCapacity = 4096
    nonisolated(unsafe) private static let message = UnsafeMutablePointer<UInt8>.allocate(capacity: messageCapacity)
    private static let messageLength = Atomic<Int>(0)
    private static let status = Atomic<Int32>(1)
    private static let handlerInstalled = Atomic<Bool>(false)

    /// SIGABRT with errno ENOMEM: the runtime gave up on an allocation. Any other abort
    /// goes on as before (returning lets abort(3) end the process with SIGABRT).
    private static func installHandler() {
        guard !handlerInstalled.exchange(true, ordering: .relaxed) else { return }
        _ = message
        signal(SIGABRT) { _ in
            guard errno == ENOMEM else { return }
            let length = MemoryBackstop.messageLength.load(ordering: .relaxed)
            if length > 0 { _ = write(2, MemoryBackstop.message, length) }
            TemporaryFileRegistry.unlinkAll()
            _exit(MemoryBackstop.status.load(ordering: .relaxed))
        }
    }
}
