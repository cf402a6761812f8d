import Foundation

/// A contiguous, 64-byte aligned buffer of Float32 values owned by one or more tensors.
///
/// Reshapes share a storage; every other op writes a new one. Optimizers update parameters in
/// place through it. Freed buffers go back to `StoragePool` for reuse.
public final class TensorStorage {
    public let pointer: UnsafeMutablePointer<Float>
    public let count: Int

    /// Allocates `count` floats; their contents are undefined until written.
    public init(uninitializedCount count: Int) {
        self.count = count
        pointer = StoragePool.shared.take(count)
    }

    /// Allocates `count` floats, or throws `TensorAllocationError` when the count is negative,
    /// its byte size overflows, or the memory is not there: for sizes that come from user input,
    /// where a failed allocation is a message rather than a crash.
    public init(checkedCount count: Int) throws {
        guard count >= 0 else { throw TensorAllocationError(count: count, reason: "a negative size") }
        guard let pointer = StoragePool.shared.tryTake(count) else {
            let (bytes, overflow) = max(count, 1).multipliedReportingOverflow(by: MemoryLayout<Float>.stride)
            throw TensorAllocationError(count: count, reason: overflow ? "more bytes than memory can address" : "out of memory (\(bytes) bytes)")
        }
        self.count = count
        self.pointer = pointer
    }

    public convenience init(zeros count: Int) {
        self.init(uninitializedCount: count)
        pointer.update(repeating: 0, count: count)
    }

    deinit { StoragePool.shared.give(pointer, count: count) }

    public var buffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: pointer, count: count)
    }
}

/// A tensor buffer that could not be allocated.
public struct TensorAllocationError: Error, CustomStringConvertible {
    public let count: Int
    public let reason: String
    public var description: String { "cannot allocate a tensor of \(count) values: \(reason)" }
}

/// Keeps freed tensor buffers, by size, for the next tensor of the same size.
///
/// A training step allocates the same shapes every time; reusing their memory avoids the page
/// faults and heap trimming that fresh large allocations cost (measured: about a tenth of an MLP
/// GAN step before this pool). At most `capacityBytes` are kept.
final class StoragePool: @unchecked Sendable {
    static let shared = StoragePool()
    let capacityBytes = 512 << 20
    private var free: [Int: [UnsafeMutablePointer<Float>]] = [:]
    private var cachedBytes = 0
    /// Heap-allocated so the mutex has one stable address (an `inout` class property may not).
    private let lock: UnsafeMutablePointer<pthread_mutex_t> = {
        let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
        return lock
    }()

    private init() {}

    func take(_ count: Int) -> UnsafeMutablePointer<Float> {
        guard let pointer = tryTake(count) else {
            fatalError("SwiftGAN: out of memory allocating \(count) floats")
        }
        return pointer
    }

    /// A buffer of `count` floats, or nil when its size overflows or malloc fails.
    func tryTake(_ count: Int) -> UnsafeMutablePointer<Float>? {
        let capacity = max(count, 1)
        pthread_mutex_lock(lock)
        if let pointer = free[capacity]?.popLast() {
            cachedBytes -= capacity * 4
            pthread_mutex_unlock(lock)
            return pointer
        }
        pthread_mutex_unlock(lock)
        var raw: UnsafeMutableRawPointer?
        let (bytes, overflow) = capacity.multipliedReportingOverflow(by: MemoryLayout<Float>.stride)
        guard !overflow, posix_memalign(&raw, 64, bytes) == 0, let raw else { return nil }
        return raw.bindMemory(to: Float.self, capacity: capacity)
    }

    func give(_ pointer: UnsafeMutablePointer<Float>, count: Int) {
        let capacity = max(count, 1)
        pthread_mutex_lock(lock)
        if cachedBytes + capacity * 4 <= capacityBytes {
            free[capacity, default: []].append(pointer)
            cachedBytes += capacity * 4
            pthread_mutex_unlock(lock)
        } else {
            pthread_mutex_unlock(lock)
            Foundation.free(pointer)
        }
    }
}
