import ArgumentParser
import Foundation
import SwiftGAN

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time training steps (one D step + one G step, random data) as the PyTorch peer benchmark does.")

    @Option(help: "Any model of train (\(ModelRegistry.names.joined(separator: ", "))), or wgangp (the MLP GAN as WGAN-GP, 5 critic steps per generator step).")
    var model: String = "mlp"
    @Option(parsing: .unconditional, help: "Batch size (default: the model's training default: 16 for pix2pix, 8 for cyclegan, 32 for stylegan, else 64).")
    var batch: Int?
    @Option(parsing: .unconditional, help: "Timed windows; the median counts.")
    var windows: Int = 5
    @Option(parsing: .unconditional, help: "Seconds per window.")
    var seconds: Double = 2
    @Flag(help: "Time sampling (generator inference at batch 1 and 256) instead of training.")
    var sample = false
    @Option(help: "Time FID instead, on random features of this shape: N,D (e.g. 50000,2048).")
    var fid: String?
    @Option(help: "Time steps on batches from this dataset (as train draws them), with and without gathering the next batch on another thread.")
    var dataset: String?
    @Option(help: "The dataset's directory (IDX files or an image folder), for --dataset or alone.")
    var dataDir: String?
    @Option(help: "Time training steps with these DiffAugment policies (as train's --diffaugment, e.g. translation,cutout,color).")
    var diffaugment: String?
    @Option(parsing: .unconditional, help: "Compute threads (default: OMP_NUM_THREADS, else one per core).")
    var threads: Int?
    @Flag(help: "Time the Swift-side cost of one tensor operation (chains of ops on tiny tensors) instead.")
    var perOp = false
    @Flag(help: "Print JSON lines.")
    var json = false

    func validate() throws {
        if !BenchmarkSetup.names.contains(model) {
            throw ValidationErrorLine(message: "unknown --model '\(model)' (choose from \(BenchmarkSetup.names.joined(separator: ", ")))")
        }
        if let batch, batch < 1 || batch > 1 << 16 { throw ValidationErrorLine(message: "--batch must be in 1...65536, got \(batch)") }
        if let threads, threads < 1 || threads > 4096 { throw ValidationErrorLine(message: "--threads must be in 1...4096, got \(threads)") }
        if windows < 1 { throw ValidationErrorLine(message: "--windows must be at least 1, got \(windows)") }
        if !(seconds > 0 && seconds.isFinite) { throw ValidationErrorLine(message: "--seconds must be a positive number") }
        if let diffaugment {
            do { _ = try DiffAugment(parsing: diffaugment) } catch { throw ValidationErrorLine(message: "--diffaugment \(error)") }
        }
    }

    func run() throws {
        if let threads { Backend.setComputeThreads(threads) }
        let threadsField = "\"threads\": \(Backend.computeThreads), "
        if perOp {
            let r = OperationOverheadBenchmark.run()
            if json {
                print(String(format: "{\"metric\": \"per_op\", %@\"size\": %d, \"forward_us\": %.3f, \"recorded_us\": %.3f, \"forward_backward_us\": %.3f}",
                             threadsField, r.size, r.forwardMicroseconds, r.recordedMicroseconds, r.forwardBackwardMicroseconds))
            } else {
                print(String(format: "one op on %d-element tensors: %.2f µs unrecorded, %.2f µs recorded, %.2f µs recorded and differentiated",
                             r.size, r.forwardMicroseconds, r.recordedMicroseconds, r.forwardBackwardMicroseconds))
            }
            return
        }
        let batch = try self.batch ?? reportingErrors { try BenchmarkSetup.config(model).batchSize }
        if let fid {
            let parts = fid.split(separator: ",").compactMap { Int($0) }
            guard parts.count == 2, parts.allSatisfy({ $0 > 1 }) else { throw ValidationErrorLine(message: "--fid takes N,D, e.g. 10000,128") }
            let seconds = try reportingErrors { try FIDBenchmark.run(samples: parts[0], dimension: parts[1]) }
            if json {
                print("{\"metric\": \"fid\", \"n\": \(parts[0]), \"d\": \(parts[1]), \"seconds\": \(String(format: "%.3f", seconds))}")
            } else {
                print(String(format: "FID of two %d × %d feature sets: %.3f s", parts[0], parts[1], seconds))
            }
            return
        }
        if sample {
            for size in [1, 256] {
                let r = try reportingErrors { try SamplingBenchmark.run(model: model == "wgangp" ? "mlp" : model, batch: size) }
                if json {
                    print("{\"model\": \"\(r.model)\", \(threadsField)\"batch\": \(size), \"ms_per_batch\": \(String(format: "%.4f", r.msPerBatch)), \"images_per_s\": \(String(format: "%.1f", r.imagesPerSecond))}")
                } else {
                    print(String(format: "%@ sampling: %.3f ms per batch of %d (%.0f images/s)", r.model, r.msPerBatch, size, r.imagesPerSecond))
                }
            }
            return
        }
        if dataset != nil || dataDir != nil {
            var config = try reportingErrors { try BenchmarkSetup.config(model) }  // the family's defaults (biggan's hinge loss)
            config.dataset = dataset
            config.dataDirectory = dataDir
            config.batchSize = batch
            config.diffAugment = diffaugment
            for prefetch in [true, false] {
                let r = try reportingErrors {
                    try TrainingBenchmark.run(model: model, data: config, prefetch: prefetch, windows: windows, windowSeconds: seconds)
                }
                if json {
                    print("{\"model\": \"\(r.model)\", \"batch\": \(batch), \"prefetch\": \(prefetch), \"ms_per_step\": \(String(format: "%.3f", r.msPerStep)), \"ms_waiting_for_data\": \(String(format: "%.4f", r.msWaitingForData ?? 0))}")
                } else {
                    print(String(format: "%@ on %@: %.3f ms per training step, %.4f ms of it waiting for the batch (%@)", r.model,
                                 dataset ?? dataDir!, r.msPerStep, r.msWaitingForData ?? 0,
                                 prefetch ? "gathered on another thread" : "gathered inline"))
                }
            }
            return
        }
        let result = try reportingErrors { try TrainingBenchmark.run(model: model, batchSize: batch, diffAugment: diffaugment, windows: windows,
                                                                           windowSeconds: seconds) }
        if json {
            let windowsText = result.windows.map { String(format: "%.3f", $0) }.joined(separator: ", ")
            let augment = diffaugment.map { ", \"diffaugment\": \"\($0)\"" } ?? ""
            print("{\"model\": \"\(result.model)\", \(threadsField)\"batch\": \(batch)\(augment), \"ms_per_step\": \(String(format: "%.3f", result.msPerStep)), \"windows_ms\": [\(windowsText)]}")
        } else {
            print(String(format: "%@%@: %.3f ms per training step (batch %d, median of %d windows; oneDNN %@)",
                         result.model, diffaugment.map { " with DiffAugment \($0)" } ?? "", result.msPerStep, batch, windows, Backend.oneDNNVersion)
                  + " on \(Backend.computeThreads) thread(s)")
        }
    }
}
