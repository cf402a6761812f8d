import Foundation
import SwiftGANCore
import SwiftGANData
import SwiftGANEngine
import SwiftGANEvaluation

/// What `GET /v1/models` says of a served model: its architecture, the weights (with their
/// SHA-256, the hash its images' provenance names), the training run that made them when the
/// weights sit in a run directory, and its FID, precision and recall measured when the server
/// started.
public struct ModelCard {
    public var name: String
    public var architecture: String
    public var latentDimension: Int
    public var classCount: Int
    public var imageShape: [Int]
    public var parameterCount: Int
    public var weights: String
    public var weightsSHA256: String
    /// The run's `config.json` and the last logged step, when the weights are a run's.
    public var training: [String: Any]?
    /// FID, precision and recall by the shipped evaluator, or why there are none.
    public var metrics: [String: Any]?

    /// The card as a JSON object.
    public var json: [String: Any] {
        var object: [String: Any] = [
            "name": name, "architecture": architecture, "latent_dimension": latentDimension, "classes": classCount,
            "image_shape": imageShape, "parameters": parameterCount, "weights": weights, "weights_sha256": weightsSHA256,
        ]
        object["training"] = training ?? NSNull()
        object["metrics"] = metrics ?? NSNull()
        return object
    }

    /// The training run around `weights`: its configuration and the last step it logged; nil
    /// when the file is not in a SwiftGAN run directory.
    static func trainingRun(of weights: String) -> [String: Any]? {
        guard let (base, config) = RunDirectory.containing(weights: weights) else { return nil }
        var run: [String: Any] = ["run": base, "config": config]
        if let step = lastLoggedStep(base + "/log.jsonl") { run["steps_trained"] = step }
        return run
    }

    /// The "step" of the last line of a run's log (read from its last 64 KiB).
    private static func lastLoggedStep(_ path: String) -> Int? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let end = try? handle.seekToEnd() else { return nil }
        try? handle.seek(toOffset: end > 65536 ? end - 65536 : 0)
        guard let tail = try? handle.readToEnd() else { return nil }
        for line in String(decoding: tail, as: UTF8.self).split(separator: "\n").reversed() {
            if let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
               let step = object["step"] as? Int { return step }
        }
        return nil
    }

    /// FID, precision and recall of `samples` generated images against `dataset`'s test split,
    /// by the shipped evaluator; a note instead when the model's images do not fit it.
    static func measure(_ generator: any SampleableGenerator, samples: Int, dataset: ImageDataset.Known?,
                        dataDirectory: String?) -> [String: Any] {
        guard let dataset else {
            return ["note": "no shipped evaluator for this model's data (MNIST and Fashion-MNIST have one)"]
        }
        guard let shape = generator.imageShape, EvaluatorNetwork.accepts([1] + shape, input: EvaluatorNetwork.defaultInputShape) else {
            return ["note": "the shipped evaluators take 1×28×28 images (or 1×32×32 padded ones)"]
        }
        do {
            let classes = generator.classCount
            let labels = classes > 0 ? (0..<samples).map { $0 % classes } : nil
            var rng = RandomGenerator(seed: 0)
            let latents = Latents.draw([samples, generator.latentDimension], truncation: nil, generator: &rng)
            let images = try generator.generateAll(latents, labels: labels).reshaped([samples] + shape)
            let report = try MetricReport.evaluate(images: images, against: dataset, directory: dataDirectory, kidSubsets: 1)
            var metrics: [String: Any] = ["dataset": dataset.rawValue, "samples": samples, "seed": 0, "evaluator": "shipped \(dataset.rawValue) evaluator"]
            metrics["fid"] = report.fid ?? NSNull()
            metrics["precision"] = report.precision ?? NSNull()
            metrics["recall"] = report.recall ?? NSNull()
            return metrics
        } catch {
            return ["note": "not measured: \(error)"]
        }
    }
}
