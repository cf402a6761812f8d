import SwiftGANEngine
import SwiftGANNN

/// The classifier two-sample test (Lopez-Paz & Oquab): a fresh logistic-regression classifier
/// learns to tell real from fake features on half of each set and is scored on the other half.
/// Held-out accuracy near 0.5 means the sets are indistinguishable to it; near 1, easily told
/// apart.
public enum TwoSampleTest {
    public static func accuracy(real: Tensor, fake: Tensor, epochs: Int = 100, seed: UInt64 = 0) throws -> Double {
        let d = real.shape[1]
        guard fake.shape[1] == d else { throw MetricError("feature dimensions differ: \(d) and \(fake.shape[1])") }
        guard real.shape[0] >= 4, fake.shape[0] >= 4 else { throw MetricError("the two-sample test needs at least 4 samples per set") }
        var rng = RandomGenerator(seed: seed)
        func split(_ t: Tensor) -> (Tensor, Tensor) {
            let order = rng.permutation(t.shape[0]), half = t.shape[0] / 2
            return (t.rows(Array(order[..<half])), t.rows(Array(order[half...])))
        }
        let (realTrain, realTest) = split(real), (fakeTrain, fakeTest) = split(fake)
        // Standardize with the training half's statistics.
        let train = Tensor.concat([realTrain, fakeTrain], axis: 0)
        let mean = train.mean(axis: 0, keepDims: true)
        let std = ((train - mean).pow(2).mean(axis: 0, keepDims: true) + 1e-6).sqrt()
        func standardized(_ t: Tensor) -> Tensor { (t - mean) / std }
        let x = standardized(train)
        let labels = Tensor([Float](repeating: 1, count: realTrain.shape[0]) + [Float](repeating: 0, count: fakeTrain.shape[0]),
                            shape: [train.shape[0], 1])
        let classifier = Linear(d, 1, generator: &rng)
        let optimizer = Adam(parameters: classifier.parameters(), learningRate: 0.01)
        for _ in 0..<epochs {
            let (_, grads) = valueAndGrad(classifier) { classifier(x).binaryCrossEntropyWithLogits(target: labels) }
            optimizer.update(grads)
        }
        let realScores = withNoGrad { classifier(standardized(realTest)) }.scalars
        let fakeScores = withNoGrad { classifier(standardized(fakeTest)) }.scalars
        let correct = realScores.filter { $0 > 0 }.count + fakeScores.filter { $0 <= 0 }.count
        return Double(correct) / Double(realScores.count + fakeScores.count)
    }
}
