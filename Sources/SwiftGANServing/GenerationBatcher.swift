import Foundation
import SwiftGANCore
import SwiftGANEngine

/// Gathers concurrent requests for the same model into one generator call on one worker thread:
/// the first request waiting opens a batch, which closes when it holds `maxBatch` images or
/// `maxWait` has passed since that request arrived. The generator runs in evaluation mode
/// (batch norm's running statistics), so an image does not depend on the requests it was
/// batched with (beyond float rounding in the kernels).
final class GenerationBatcher: @unchecked Sendable {
    private struct Job {
        let model: Int
        let latents: Tensor
        let labels: [Int]?
        let arrived: Date
        let finish: (Result<Tensor, Error>) -> Void
        /// Set when the request's task is cancelled (its client went away) before it ran.
        let cancelled: Flag
        var count: Int { latents.shape[0] }
    }

    final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        var isSet: Bool { lock.withLock { value } }
        func set() { lock.withLock { value = true } }
    }

    let models: [ServedModel]
    let maxBatch: Int
    let maxWait: TimeInterval
    /// The most images that may wait; a request beyond it is refused with 503.
    let maxQueued: Int
    /// Called on the worker thread after each generator call: the model, its images and requests.
    private let observe: (ServedModel, Int, Int) -> Void
    private let condition = NSCondition()
    private var queue = [Job]()
    private var stopped = false
    private var worker: Thread?

    init(models: [ServedModel], maxBatch: Int, maxWait: TimeInterval, maxQueued: Int, observe: @escaping (ServedModel, Int, Int) -> Void) {
        self.models = models
        self.maxBatch = maxBatch
        self.maxWait = maxWait
        self.maxQueued = maxQueued
        self.observe = observe
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "swiftgan-generator"
        thread.stackSize = 8 << 20
        worker = thread
        thread.start()
    }

    /// Stops the worker after the batch in hand; waiting requests fail.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    /// The outputs [n] + sample shape for `latents` [n, d] (and their classes) from model `model`.
    func generate(model: Int, latents: Tensor, labels: [Int]?) async throws -> Tensor {
        let cancelled = Flag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let job = Job(model: model, latents: latents, labels: labels, arrived: Date(), finish: { continuation.resume(with: $0) },
                              cancelled: cancelled)
                condition.lock()
                let waiting = queuedImages
                let refusal: ServingError? = stopped ? ServingError(.serviceUnavailable, "the server is stopping")
                    : waiting + job.count > maxQueued && waiting > 0
                    ? ServingError(.serviceUnavailable, "busy: \(waiting) images are waiting (the limit is \(maxQueued)); retry later") : nil
                if let refusal {
                    condition.unlock()
                    continuation.resume(throwing: refusal)
                    return
                }
                queue.append(job)
                condition.broadcast()
                condition.unlock()
            }
        } onCancel: {
            cancelled.set()
        }
    }

    /// The number of images waiting.
    var waitingImages: Int {
        condition.lock()
        defer { condition.unlock() }
        return queuedImages
    }

    /// The images in the queue, optionally only `model`'s; the caller holds the lock.
    private func queuedImages(for model: Int? = nil) -> Int {
        queue.reduce(0) { $0 + (model == nil || $1.model == model ? $1.count : 0) }
    }

    private var queuedImages: Int { queuedImages() }

    private func run() {
        while let batch = nextBatch() {
            let model = models[batch[0].model]
            let latents = batch.count == 1 ? batch[0].latents : Tensor.concat(batch.map(\.latents), axis: 0)
            let labels: [Int]? = model.generator.classCount > 0 ? batch.flatMap { $0.labels ?? Array(repeating: 0, count: $0.count) } : nil
            do {
                let output = try Self.generateInPowersOfTwo(model.generator, latents, labels)
                observe(model, latents.shape[0], batch.count)
                var start = 0
                for job in batch {
                    let rows = batch.count == 1 ? output : output.slice(axis: 0, start..<(start + job.count))
                    start += job.count
                    job.finish(.success(rows))
                }
            } catch {
                for job in batch { job.finish(.failure(ServingError(.internalServerError, "generation failed: \(error)"))) }
            }
        }
    }

    /// The outputs for `latents` made in pieces whose sizes are powers of two (at most 256), so
    /// that only nine batch shapes ever reach the kernels: oneDNN's primitives and the storage
    /// pool keep what they cache per shape, and every new shape would hold more memory for good.
    static func generateInPowersOfTwo(_ generator: any SampleableGenerator, _ latents: Tensor, _ labels: [Int]?) throws -> Tensor {
        let n = latents.shape[0]
        var pieces = [Tensor](), start = 0
        while start < n {
            let size = min(256, 1 << (Int.bitWidth - 1 - (n - start).leadingZeroBitCount))
            pieces.append(try generator.generateAll(latents.slice(axis: 0, start..<(start + size)),
                                                    labels: labels.map { Array($0[start..<(start + size)]) }))
            start += size
        }
        return pieces.count == 1 ? pieces[0] : Tensor.concat(pieces, axis: 0)
    }

    /// Waits for the next batch: the oldest request and the requests for the same model after
    /// it that fit in `maxBatch` images; nil once stopped.
    private func nextBatch() -> [Job]? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if stopped {
                for job in queue { job.finish(.failure(ServingError(.serviceUnavailable, "the server is stopping"))) }
                queue.removeAll()
                return nil
            }
            for job in queue where job.cancelled.isSet { job.finish(.failure(CancellationError())) }
            queue.removeAll { $0.cancelled.isSet }
            guard let first = queue.first else {
                condition.wait()
                continue
            }
            let deadline = first.arrived.addingTimeInterval(maxWait)
            let waiting = queuedImages(for: first.model)
            if waiting < maxBatch && Date() < deadline {
                _ = condition.wait(until: deadline)
                continue
            }
            var batch = [first], images = first.count, taken: Set<Int> = [0]
            for (i, job) in queue.enumerated().dropFirst() where job.model == first.model && images + job.count <= maxBatch {
                batch.append(job)
                images += job.count
                taken.insert(i)
            }
            queue = queue.enumerated().filter { !taken.contains($0.offset) }.map(\.element)
            return batch
        }
    }
}
