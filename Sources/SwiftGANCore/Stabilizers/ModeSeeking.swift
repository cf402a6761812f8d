import SwiftGANEngine

/// Mode-seeking regularization (MSGAN, Mao et al. 2019) against conditional mode collapse: G's
/// loss gains λ / (d_I / d_z + ε), where d_I is the mean absolute difference between two images
/// G makes for the same labels from two latents and d_z the mean absolute difference of those
/// latents, so G is pushed to let its output move with z. A conditional G otherwise tends to draw
/// one image per class and ignore z (the reference cGAN recipe does, in PyTorch too; see
/// Benchmarks/RESULTS.md).
///
/// The pairs come from G's own step: the first half of the batch's latents and the second half,
/// each with the first half's labels.
///
/// ```swift
/// let seeking = ModeSeeking(weight: 0.1)
/// let (z, labels) = seeking.pairs(latents: z, labels: labels)
/// let fakes = generator(z, labels)
/// let loss = adversarial(fakes) + seeking.penalty(fakes: fakes, latents: z)
/// ```
public struct ModeSeeking: Sendable, Equatable {
    /// λ; 0 turns the regularization off.
    public let weight: Float
    /// MSGAN's ε, which bounds the penalty at λ/ε when G ignores z entirely.
    public static let epsilon: Float = 1e-5

    public init(weight: Float) { self.weight = weight }

    public var isEnabled: Bool { weight > 0 }

    /// The step's inputs as pairs: latents [2h, d] (the batch's first 2h, h = n/2) and the first h
    /// labels twice, so rows i and h + i ask for the same class.
    public func pairs(latents: Tensor, labels: [Int]) -> (latents: Tensor, labels: [Int]) {
        let half = labels.count / 2
        precondition(half > 0 && latents.shape[0] == labels.count, "mode seeking needs a batch of at least 2 latents with labels")
        let first = Array(labels[..<half])
        return (latents.slice(axis: 0, 0..<(2 * half)), first + first)
    }

    /// λ / (mean|G(z₁) − G(z₂)| / mean|z₁ − z₂| + ε) for `fakes` made from `latents` as `pairs`
    /// arranges them; a scalar that records gradients to G.
    public func penalty(fakes: Tensor, latents: Tensor) -> Tensor {
        let half = fakes.shape[0] / 2
        let imageDistance = (fakes.slice(axis: 0, 0..<half) - fakes.slice(axis: 0, half..<(2 * half))).abs().mean()
        let latentDistance = withNoGrad { (latents.slice(axis: 0, 0..<half) - latents.slice(axis: 0, half..<(2 * half))).abs().mean().item }
        return weight / (imageDistance / latentDistance + Self.epsilon)
    }
}

extension ConfigField {
    /// `--mode-seeking λ`, for the families whose G step applies `ModeSeeking`.
    static let modeSeeking = ConfigField(option: "modeSeeking", default: Float(0),
                                         help: "λ of mode-seeking regularization (MSGAN) against G ignoring z within a class (0: off).")
}

extension TrainingConfig {
    /// The mode-seeking regularization the settings ask for (off unless the family has the option).
    public var modeSeeking: ModeSeeking { ModeSeeking(weight: option("modeSeeking", as: Float.self) ?? 0) }
}
