import ArgumentParser
import Foundation
import SwiftGAN

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve generators over HTTP: a web page, a JSON API and Prometheus metrics.",
        discussion: """
        Routes: GET / (a gallery with a seed box, class picker, truncation slider and interpolation), \
        POST /v1/generate {model?, n?, seed?, class?, truncation?, format?}, POST /v1/interpolate \
        {model?, from, to, steps?, slerp?, class?, truncation?, format?}, GET /v1/models (model cards), \
        GET /healthz, GET /metrics. Image i of a request has seed `seed + i`, so one image's seed \
        regenerates it alone: {"n": 1, "seed": S} gives `swiftgan sample --n 1 --seed S`'s image \
        (a conditional model without "class" gives seed S the class S mod K). \
        format is png (one grid), npy (float32 [n, C, H, W]) or json (a base64 PNG per image). \
        Several --weights serve several models side by side (A/B), each under its name: \
        NAME=PATH, or the file's name without .safetensors. Stop with Ctrl-C.
        """)

    @Option(help: ArgumentHelp("Generator weights to serve, as PATH or NAME=PATH (repeat for several models).", valueName: "weights"))
    var weights: [String] = []
    @Option(help: "The model of weights without SwiftGAN metadata (PyTorch's).")
    var model: String?
    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"
    @Option(parsing: .unconditional, help: "The port (0 picks a free one; the listening line says which).")
    var port = 8080
    @Option(parsing: .unconditional, help: "The most images one generator call makes.")
    var maxBatch = 64
    @Option(parsing: .unconditional, help: "How long the first request of a batch waits for others, in milliseconds.")
    var maxWaitMs: Double = 2
    @Option(parsing: .unconditional, help: "The most images that may wait for the generator; requests beyond get 503 (retry later).")
    var maxQueue = 1024
    @Option(parsing: .unconditional, help: ArgumentHelp("Samples for each model card's FID, precision and recall, measured at start with the shipped evaluator (0: none).",
                                                        valueName: "n"))
    var evalSamples = 2000
    @Option(help: "mnist or fashion-mnist: the data the card's metrics compare with (default: the training run's).")
    var evalDataset: String?
    @Option(help: ArgumentHelp("Mark every PNG served with an invisible watermark under this key.", valueName: "key"))
    var watermark: String?

    func validate() throws {
        if weights.isEmpty { throw ValidationErrorLine(message: "give the generator to serve: --weights G.safetensors") }
        if !(0...65535).contains(port) { throw ValidationErrorLine(message: "--port must be from 0 to 65535") }
        if !(1...4096).contains(maxBatch) { throw ValidationErrorLine(message: "--max-batch must be from 1 to 4096") }
        if !(maxWaitMs >= 0 && maxWaitMs <= 10000) { throw ValidationErrorLine(message: "--max-wait-ms must be from 0 to 10000") }
        if !(1...1_000_000).contains(maxQueue) { throw ValidationErrorLine(message: "--max-queue must be from 1 to 1000000") }
        if evalSamples != 0 && !(10...100_000).contains(evalSamples) {
            throw ValidationErrorLine(message: "--eval-samples must be 0 (no metrics) or from 10 to 100000")
        }
        if let watermark, watermark.isEmpty { throw ValidationErrorLine(message: "--watermark needs a non-empty key") }
        if let evalDataset, ImageDataset.Known(rawValue: evalDataset) == nil {
            throw ValidationErrorLine(message: "--eval-dataset must be mnist or fashion-mnist")
        }
    }

    func run() throws {
        let server = try reportingErrors { () throws -> SamplingServer in
            let models = try weights.map { argument -> ServedModel in
                let (name, path) = Self.split(argument)
                return try ServedModel(name: name, weights: path, model: model)
            }
            if evalSamples > 0 {
                for served in models {
                    FileHandle.standardError.write(Data("measuring \(served.name): FID, precision and recall of \(evalSamples) samples…\n".utf8))
                    served.measure(samples: evalSamples, dataset: evalDataset.flatMap(ImageDataset.Known.init(rawValue:)), dataDirectory: nil)
                }
            }
            return try SamplingServer(models: models, configuration: ServerConfiguration(host: host, port: port, maxBatch: maxBatch,
                                                                                         maxWait: maxWaitMs / 1000,
                                                                                         watermark: watermark.map(Watermark.init(key:)),
                                                                                         maxQueuedImages: maxQueue))
        }
        // The server is async; this command waits for it on the main thread.
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var failure: Error?
        Task.detached {
            do {
                try await server.run { url in
                    print("listening on \(url)")
                    fflush(stdout)
                }
            } catch {
                failure = error
            }
            done.signal()
        }
        done.wait()
        if let failure { throw ValidationErrorLine(message: "serve: \(failure)") }
    }

    /// NAME=PATH, or PATH named by its file name without the extension.
    static func split(_ argument: String) -> (String, String) {
        if let eq = argument.firstIndex(of: "="), !argument[..<eq].contains("/") {
            return (String(argument[..<eq]), String(argument[argument.index(after: eq)...]))
        }
        let file = (argument as NSString).lastPathComponent
        return (file.hasSuffix(".safetensors") ? String(file.dropLast(12)) : file, argument)
    }
}
