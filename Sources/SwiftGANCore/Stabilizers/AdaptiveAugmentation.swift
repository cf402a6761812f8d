import SwiftGANEngine

/// ADA's adaptive discriminator augmentation (Karras et al. 2020): every image D sees, real or
/// generated, in D's step and G's, goes through `pipeline` with probability `p`, and `p` follows
/// the overfitting heuristic r_t = E[sign(D(augmented real))]. Every `interval` steps, p moves by
/// sign(r_t − target) · batch · interval / (kimg · 1000): up while D is too sure of the real
/// images, down otherwise, so that 0 to 1 takes `kimg` thousand images (stylegan2-ada's
/// `ada_target` 0.6, `ada_interval` 4, `ada_kimg` 500). Without a target, p stays fixed (the
/// reference's `--aug fixed`).
///
/// p never goes below 0, as in the reference, and here not above 1 either (the reference lets
/// it grow past 1, where it acts as 1 and only delays the way back). Its state (p and the signs
/// gathered since the last move) is saved in checkpoints, so a resumed run moves p exactly as
/// an uninterrupted one.
public struct AdaptiveAugmentation: Sendable {
    public let pipeline: AugmentPipeline
    /// The r_t that p steers towards; nil keeps p fixed.
    public let target: Float?
    /// Thousands of training images for p to move by 1.
    public let kimg: Float
    /// Steps between moves of p.
    public static let interval = 4

    /// The probability of each transform.
    public private(set) var p: Float
    /// The sum and count of sign(D(augmented real)) since the last move.
    public private(set) var signSum: Float = 0, signCount: Float = 0
    /// The r_t of the last move (for the log; nil before the first move).
    public private(set) var lastRatio: Float?

    public init(pipeline: AugmentPipeline, initialP: Float = 0, target: Float?, kimg: Float = 500) {
        self.pipeline = pipeline
        self.target = target
        self.kimg = kimg
        p = initialP
    }

    /// Gathers the signs of D's scores (logits) of augmented real images.
    public mutating func record(realScores: Tensor) {
        for score in realScores.scalars { signSum += score > 0 ? 1 : (score < 0 ? -1 : 0) }
        signCount += Float(realScores.count)
    }

    /// After `steps` training steps of `batch` images: on every `interval`-th step with a
    /// target, moves p and returns the r_t it used (nil otherwise).
    public mutating func adjust(afterSteps steps: Int, batch: Int) -> Float? {
        guard let target, steps % Self.interval == 0, signCount > 0 else { return nil }
        let ratio = signSum / signCount
        let direction: Float = ratio > target ? 1 : (ratio < target ? -1 : 0)
        p = min(max(p + direction * Float(batch * Self.interval) / (kimg * 1000), 0), 1)
        (signSum, signCount) = (0, 0)
        lastRatio = ratio
        return ratio
    }

    /// `images` augmented at the current p (drawing from `rng` even when p is 0, as the
    /// reference does, so that the stream does not depend on p).
    public func callAsFunction(_ images: Tensor, generator rng: inout RandomGenerator) -> Tensor {
        AugmentPipeline.apply(images, draw(for: images, generator: &rng))
    }

    /// The transforms for `images` at the current p.
    public func draw(for images: Tensor, generator rng: inout RandomGenerator) -> AugmentPipeline.Parameters {
        pipeline.draw(for: images, p: Double(p), generator: &rng)
    }

    /// The checkpointed state: p, the signs since the last move, and the last r_t.
    public var stateTensors: [String: Tensor] {
        ["ada_p": Tensor([p], shape: [1]), "ada_signs": Tensor([signSum, signCount], shape: [2]),
         "ada_rt": Tensor(lastRatio.map { [1, $0] } ?? [0, 0], shape: [2])]
    }

    /// Restores what `stateTensors` saved (state it does not find is left as it is), or throws
    /// when a saved tensor has the wrong size.
    public mutating func restore(_ tensors: [String: Tensor]) throws(ConfigError) {
        if let saved = try tensors.stateValues("ada_p", count: 1) { p = saved[0] }
        if let saved = try tensors.stateValues("ada_signs", count: 2) { (signSum, signCount) = (saved[0], saved[1]) }
        if let saved = try tensors.stateValues("ada_rt", count: 2) { lastRatio = saved[0] == 1 ? saved[1] : nil }
    }
}
