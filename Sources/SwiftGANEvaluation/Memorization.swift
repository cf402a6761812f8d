import Foundation
import SwiftGANData
import SwiftGANEngine

/// Whether a generator copies its training images: each generated sample's nearest training
/// image, in the evaluator's feature space and in pixels, against how close held-out real images
/// come to the training set. A generated sample closer to a training image than the 1st
/// percentile of the test images' nearest-training distances is a near-copy; a generator that
/// does not memorize makes about 1% of them or fewer (the test images make 1% by construction).
public struct MemorizationReport {
    /// One space's figures (features or pixels).
    public struct Space {
        /// The 1st percentile of the test images' distances to their nearest training image.
        public var threshold: Double
        /// Generated samples closer to a training image than `threshold`.
        public var nearCopies: Int
        /// The median nearest-training distance of the generated samples and of the test images.
        public var medianGenerated: Double
        public var medianTest: Double
    }

    /// A generated sample and its nearest training image (in pixels).
    public struct Pair {
        public var sample: Int
        public var trainingImage: Int
        public var pixelDistance: Double
        public var featureDistance: Double
    }

    public var samples: Int
    public var trainingImages: Int
    public var testImages: Int
    public var features: Space
    public var pixels: Space
    /// The closest pairs by pixel distance, closest first.
    public var closest: [Pair]

    public var featureShare: Double { Double(features.nearCopies) / Double(samples) }
    public var pixelShare: Double { Double(pixels.nearCopies) / Double(samples) }

    /// The verdict: near-copies at or under the held-out images' 1% in both spaces is no sign of
    /// memorization; more is, by how many times.
    public var conclusion: String {
        let worst = max(featureShare, pixelShare)
        if worst <= 0.01 { return "no sign of memorization: near-copies are no more common than among held-out real images (1%)" }
        return String(format: "memorization: %.1f× the near-copy share of held-out real images", worst / 0.01)
    }

    public func json() -> String {
        func space(_ s: Space) -> [String: Any] {
            ["threshold": s.threshold, "near_copies": s.nearCopies, "share": Double(s.nearCopies) / Double(samples),
             "median_generated": s.medianGenerated, "median_test": s.medianTest]
        }
        let object: [String: Any] = [
            "samples": samples, "training_images": trainingImages, "test_images": testImages,
            "features": space(features), "pixels": space(pixels), "conclusion": conclusion,
            "closest": closest.map { ["sample": $0.sample, "training_image": $0.trainingImage, "pixel_distance": $0.pixelDistance,
                                      "feature_distance": $0.featureDistance] },
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

public enum Memorization {
    /// The memorization report of generated `images` against `train`, calibrated on `test`, with
    /// `evaluator`'s features; `pairs` closest pairs are kept.
    public static func check(images: Tensor, train: ImageDataset, test: ImageDataset, evaluator: EvaluatorNetwork,
                             pairs: Int = 16) throws -> MemorizationReport {
        try evaluator.checkInput(images.shape, "the generated images")
        try evaluator.checkInput(train.images.shape, "the training images")
        let n = images.shape[0]
        let flat = { (t: Tensor) in t.reshaped([t.shape[0], t.count / t.shape[0]]) }
        let trainFeatures = evaluator.extract(train.images).features
        let generatedFeatures = evaluator.extract(images).features
        let testFeatures = evaluator.extract(test.images).features
        let generatedByFeature = nearest(generatedFeatures, in: trainFeatures)
        let testByFeature = nearest(testFeatures, in: trainFeatures)
        let generatedByPixel = nearest(flat(images), in: flat(train.images))
        let testByPixel = nearest(flat(test.images), in: flat(train.images))

        func space(_ generated: [Float], _ test: [Float]) -> MemorizationReport.Space {
            let threshold = percentile(test, 1)
            return .init(threshold: threshold, nearCopies: generated.filter { Double($0) < threshold }.count,
                         medianGenerated: percentile(generated, 50), medianTest: percentile(test, 50))
        }
        let order = (0..<n).sorted { generatedByPixel.distances[$0] < generatedByPixel.distances[$1] }
        let closest = order.prefix(pairs).map { i in
            MemorizationReport.Pair(sample: i, trainingImage: generatedByPixel.indices[i], pixelDistance: Double(generatedByPixel.distances[i]),
                                    featureDistance: Double(distance(generatedFeatures, i, trainFeatures, generatedByPixel.indices[i])))
        }
        return MemorizationReport(samples: n, trainingImages: train.count, testImages: test.count,
                                  features: space(generatedByFeature.distances, testByFeature.distances),
                                  pixels: space(generatedByPixel.distances, testByPixel.distances), closest: closest)
    }

    /// For each row of `queries` [q, d], the Euclidean distance to its nearest row of
    /// `references` [r, d] and that row's index: |a|² + |b|² − 2a·b with the products as
    /// GEMMs over 256 queries at a time.
    public static func nearest(_ queries: Tensor, in references: Tensor) -> (distances: [Float], indices: [Int]) {
        precondition(queries.rank == 2 && references.rank == 2 && queries.shape[1] == references.shape[1], "nearest needs [q, d] and [r, d]")
        let q = queries.shape[0], r = references.shape[0]
        let referenceNorms = squaredNorms(references), queryNorms = squaredNorms(queries)
        var distances = [Float](repeating: 0, count: q), indices = [Int](repeating: 0, count: q)
        var start = 0
        while start < q {
            let end = min(q, start + 256)
            let products = withNoGrad { queries.slice(axis: 0, start..<end).matmul(references, transposeOther: true) }
            products.withUnsafeBufferPointer { dot in
                for i in 0..<(end - start) {
                    var best = Float.infinity, bestIndex = 0
                    let row = i * r
                    for j in 0..<r {
                        let d = referenceNorms[j] - 2 * dot[row + j]
                        if d < best { best = d; bestIndex = j }
                    }
                    distances[start + i] = max(0, best + queryNorms[start + i]).squareRoot()
                    indices[start + i] = bestIndex
                }
            }
            start = end
        }
        return (distances, indices)
    }

    private static func squaredNorms(_ rows: Tensor) -> [Float] {
        let d = rows.shape[1]
        return rows.withUnsafeBufferPointer { v in
            (0..<rows.shape[0]).map { i in (0..<d).reduce(Float(0)) { $0 + v[i * d + $1] * v[i * d + $1] } }
        }
    }

    private static func distance(_ a: Tensor, _ i: Int, _ b: Tensor, _ j: Int) -> Float {
        let d = a.shape[1]
        let x = a.slice(axis: 0, i..<(i + 1)).scalars, y = b.slice(axis: 0, j..<(j + 1)).scalars
        return (0..<d).reduce(Float(0)) { $0 + (x[$1] - y[$1]) * (x[$1] - y[$1]) }.squareRoot()
    }

    /// The p-th percentile of `values`, interpolated linearly between order statistics (NumPy's default).
    public static func percentile(_ values: [Float], _ p: Double) -> Double {
        precondition(!values.isEmpty, "percentile of no values")
        let sorted = values.sorted()
        let position = p / 100 * Double(sorted.count - 1)
        let low = Int(position.rounded(.down)), high = min(low + 1, sorted.count - 1)
        return Double(sorted[low]) + (position - Double(low)) * Double(sorted[high] - sorted[low])
    }
}
