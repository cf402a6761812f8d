import Foundation
import SwiftGANEngine
import SwiftGANMPI
import SwiftGANNN

/// Data-parallel training over MPI, as PyTorch's DistributedDataParallel does it: every process
/// (rank) holds the whole model, draws the same global batch, labels and latents, trains on its
/// own rows of them, and averages the gradients across ranks before each optimizer update, in
/// one fused buffer per update. Parameters therefore stay equal on every rank. Batch norm uses
/// each rank's own batch statistics (rank 0's running buffers are the ones saved), or the global
/// batch's with `--sync-batch-norm`. Rank 0 alone writes the run directory. The regularizers'
/// per-row draws (gradient-penalty mixing weights, instance noise, DiffAugment, the replay
/// buffer) come from streams that are the same on every rank, drawn at the rank's batch size.
///
/// `mpirun -np K swiftgan train …` starts it; `--batch` stays the global batch, split evenly.
/// A single process never loads MPI.
public final class DataParallel: @unchecked Sendable {
    /// The data-parallel group this process belongs to, when mpirun started it.
    nonisolated(unsafe) public private(set) static var current: DataParallel?

    public let rank: Int
    public let size: Int
    /// The fused gradient buffer, kept from update to update (as large as the largest model's
    /// gradients), so that an update allocates nothing.
    private var fused: TensorStorage?

    private init(rank: Int, size: Int) {
        self.rank = rank
        self.size = size
    }

    /// Whether mpirun started this process.
    public static var isLaunched: Bool { sg_mpi_launched() != 0 }

    /// Joins the group when mpirun started this process (nil otherwise), installs the gradient
    /// averaging, and gives each rank its share of the cores unless `OMP_NUM_THREADS` says
    /// otherwise (ranks share a machine's cores rather than each taking them all).
    @discardableResult
    public static func startIfLaunched() throws -> DataParallel? {
        if let current { return current }
        guard isLaunched else { return nil }
        var rank: Int32 = 0, size: Int32 = 0
        try call { sg_mpi_init(&rank, &size, $0, $1) }
        let group = DataParallel(rank: Int(rank), size: Int(size))
        current = group
        GradientSynchronization.averageInPlace = { group.average($0) }
        if ProcessInfo.processInfo.environment["OMP_NUM_THREADS"] == nil {
            // The machine's cores shared by its ranks, and no more than this rank may use (one
            // when mpirun bound it to a core, as it does by default for 2 ranks or fewer).
            let local = Int(ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_LOCAL_SIZE"] ?? "") ?? group.size
            let share = ProcessInfo.processInfo.activeProcessorCount / max(local, 1)
            let usable = Int(sg_usable_cores())
            Backend.setComputeThreads(max(1, usable > 0 ? min(share, usable) : share))
        }
        return group
    }

    /// Why an MPI call failed.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    private static func call(_ body: (UnsafeMutablePointer<CChar>, Int) -> Int32) throws {
        var message = [CChar](repeating: 0, count: 512)
        let status = message.withUnsafeMutableBufferPointer { body($0.baseAddress!, $0.count) }
        guard status == 0 else { throw Failure(description: String(cString: message)) }
    }

    /// A failed collective leaves the other ranks waiting forever: stop them all.
    private func mustSucceed(_ body: (UnsafeMutablePointer<CChar>, Int) -> Int32) {
        do { try Self.call(body) } catch {
            FileHandle.standardError.write(Data("error: rank \(rank): \(error)\n".utf8))
            abortAll()
        }
    }

    /// This rank's rows of `n` global rows: rank·n/K ..< (rank+1)·n/K.
    public func localRange(of n: Int) -> Range<Int> {
        precondition(n % size == 0, "a batch of \(n) does not split across \(size) ranks")
        let per = n / size
        return rank * per..<(rank + 1) * per
    }

    /// This rank's rows when data-parallel training runs, else the batch itself.
    public static func localRows(_ batch: Tensor) -> Tensor {
        current.map { batch.slice(axis: 0, $0.localRange(of: batch.shape[0])) } ?? batch
    }

    /// This rank's share of per-row values (a batch's labels), as `localRows` splits the rows.
    public static func localRows<T>(_ values: [T]) -> [T] {
        current.map { Array(values[$0.localRange(of: values.count)]) } ?? values
    }

    /// Replaces each tensor's values by their mean over all ranks: one all-reduce of one
    /// buffer holding them all.
    public func average(_ tensors: [Tensor]) {
        let total = tensors.reduce(0) { $0 + $1.count }
        if (fused?.count ?? -1) < total { fused = TensorStorage(uninitializedCount: total) }
        let buffer = fused!.pointer
        var offset = 0
        for t in tensors {
            (buffer + offset).update(from: t.storage.pointer, count: t.count)
            offset += t.count
        }
        mustSucceed { sg_mpi_allreduce_sum_float(buffer, Int64(total), $0, $1) }
        offset = 0
        for t in tensors {
            Backend.current.unary(.affine, buffer + offset, t.storage.pointer, count: t.count, 1 / Float(size), 0)
            offset += t.count
        }
    }

    /// The element-wise sum of `t` over all ranks, recorded for autograd: its backward pass sums
    /// the incoming gradients over the ranks (every rank runs the same backward pass, so the
    /// collectives pair up).
    public func sum(_ t: Tensor) -> Tensor {
        let out = t.copy()
        mustSucceed { sg_mpi_allreduce_sum_float(out.storage.pointer, Int64(out.count), $0, $1) }
        return Tensor.record(out, op: "all_reduce_sum", inputs: [t]) { [self] g, _, _ in [self.sum(g)] }
    }

    /// Batch norm over the global batch (`--sync-batch-norm`) or over each rank's rows.
    func synchronizeBatchNorm(_ on: Bool) {
        BatchNorm.synchronization = on ? CrossProcessSum(processes: size, sum: { [self] in self.sum($0) }) : nil
    }

    /// The mean over all ranks of each value.
    public func mean(_ values: [Double]) -> [Double] {
        var buffer = values
        buffer.withUnsafeMutableBufferPointer { b in
            mustSucceed { sg_mpi_allreduce_sum_double(b.baseAddress!, Int64(b.count), $0, $1) }
        }
        return buffer.map { $0 / Double(size) }
    }

    /// The step's losses and D scores averaged over the ranks (each rank saw its own rows), so
    /// every rank logs, and stops on, the same numbers.
    public func averaged(_ stats: StepStatistics) -> StepStatistics {
        let names = stats.losses.keys.sorted()
        let values = [stats.lossD, stats.lossG, stats.realScore, stats.fakeScore] + names.map { stats.losses[$0]! }
        let means = mean(values.map(Double.init)).map(Float.init)
        var result = stats
        (result.lossD, result.lossG, result.realScore, result.fakeScore) = (means[0], means[1], means[2], means[3])
        for (i, name) in names.enumerated() { result.losses[name] = means[4 + i] }
        return result
    }

    /// Checks that `config` can run on this group (its recipe splits batches, and the global
    /// batch splits evenly) and sets batch norm's synchronization as the config asks.
    func check(_ config: TrainingConfig, recipe: any GANRecipe) throws {
        synchronizeBatchNorm(config.syncBatchNorm)
        guard recipe.splitsBatchesAcrossRanks else {
            if config.ensemble > 1 {
                throw ConfigError("--ensemble \(config.ensemble) cannot train data-parallel yet (mpirun -np \(size)); run it as one process")
            }
            throw ConfigError("--model \(config.model) cannot train data-parallel yet (mpirun -np \(size)); run it as one process")
        }
        guard config.batchSize % size == 0 else {
            throw ConfigError("--batch \(config.batchSize) does not split evenly across \(size) ranks (it is the global batch)")
        }
    }

    /// Runs `body` on rank 0 first, then on the other ranks, and returns when every rank is
    /// done: creating or opening a run directory, which rank 0 alone changes, and which it must
    /// not write into while another rank's opening clears leftover temporary files.
    func rankZeroFirst<T>(_ body: () throws -> T) rethrows -> T {
        if rank > 0 { barrier() }
        defer {
            if rank == 0 { barrier() }
            barrier()
        }
        return try body()
    }

    /// Whether `value` is finite on every rank (on this process alone without mpirun): the test
    /// before an update, which every rank must answer alike or one would wait forever in the
    /// gradient all-reduce that the others skip.
    public static func finiteEverywhere(_ value: Float) -> Bool {
        guard let current else { return value.isFinite }
        return !current.any(!value.isFinite)
    }

    /// Whether any rank says yes (a stop request that reached some ranks first).
    public func any(_ flag: Bool) -> Bool { mean([flag ? 1 : 0])[0] > 0 }

    /// Stops every rank of the group, this one included (after an error on this one).
    public func abortAll() -> Never {
        sg_mpi_abort(1)
        fatalError("unreachable: MPI_Abort returned")
    }

    /// Waits for every rank.
    public func barrier() { mustSucceed { sg_mpi_barrier($0, $1) } }

    /// Leaves the group (after the last collective call).
    public func finish() {
        sg_mpi_finalize()
        BatchNorm.synchronization = nil
        GradientSynchronization.averageInPlace = nil
        Self.current = nil
    }
}
