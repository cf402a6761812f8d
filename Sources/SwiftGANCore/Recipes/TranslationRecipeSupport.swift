import SwiftGANEngine
import SwiftGANNN

/// What the image-to-image recipes (pix2pix, cyclegan) check and show alike.

/// Refuses, naming the flag, the generic settings a translation recipe has no place for: its
/// discriminator is the PatchGAN as the reference builds it, and G's only inputs are images.
func validateTranslation(_ config: TrainingConfig, name: String) throws {
    let unsupported = [("--replay-buffer", config.replayBufferSize > 0), ("--unrolled", config.unrolledSteps > 0),
                       ("--instance-noise", config.instanceNoise > 0),
                       ("--gradient-penalty, --r1, --r2 and wgan-gp", config.effectiveGradientPenaltyWeight > 0 || config.r1Gamma > 0 || config.r2Gamma > 0),
                       ("--minibatch-stddev, --minibatch-discrimination", config.minibatchStdDev || config.minibatchDiscriminationKernels > 0),
                       ("--spectral-norm", config.spectralNorm), ("--ema", config.emaDecay != nil),
                       ("--diffaugment", config.diffAugment != nil), ("--orthogonal-reg", config.orthogonalRegularization > 0),
                       ("--label-smoothing", config.labelSmoothing > 0), ("--d-steps other than 1", config.discriminatorSteps != 1)]
    if let (flag, _) = unsupported.first(where: \.1) {
        throw ConfigError("model \(name) does not support \(flag)")
    }
}

/// Refuses data a translation generator cannot take: gray or RGB images whose sides are
/// multiples of the generator's downsampling (28×28 digits come padded to 32×32 by the
/// built-in tasks; use --resolution for a folder).
func checkTranslationData(_ shape: DataShape, name: String, sideMultiple: Int) throws {
    let s = shape.sample
    guard s.count == 3, s[0] == 1 || s[0] == 3 else {
        throw ConfigError("model \(name) translates gray or RGB images; the data has samples of shape \(s)")
    }
    guard s[1] % sideMultiple == 0, s[2] % sideMultiple == 0, s[1] >= 32, s[2] >= 32 else {
        throw ConfigError("model \(name) takes images whose sides are multiples of \(sideMultiple) (at least 32); the data has \(s[1])×\(s[2]) (see --resolution)")
    }
}

/// The image channels a translation generator's weights file records (1 for files without
/// SwiftGAN metadata, PyTorch's).
func translationChannels(_ metadata: [String: String]) throws -> Int {
    let channels = metadata["swiftgan.channels"].flatMap { Int($0) } ?? 1
    guard channels == 1 || channels == 3 else { throw ConfigError("the weights record an unusable channel count \(metadata["swiftgan.channels"] ?? "")") }
    return channels
}

extension PanelInputs {
    /// The first `min(count / columns, 8)` examples of a paired or unpaired reference batch,
    /// for panels of one example per row, `columns` images wide.
    static func translationRows(count: Int, columns: Int, reference: Batch) -> PanelInputs {
        let n = min(max(1, count / columns), 8, reference.a!.shape[0], reference.b!.shape[0])
        return PanelInputs(latents: nil, batch: Batch(a: reference.a!.slice(axis: 0, 0..<n), b: reference.b!.slice(axis: 0, 0..<n)))
    }
}

extension Panel {
    /// One row per example, the images of `columns` side by side (input | output | target):
    /// each tensor [n, C, H, W], all alike. `generated` is what the alarms watch.
    static func rows(_ columns: [Tensor], generated: Tensor) -> Panel {
        let n = columns[0].shape[0], perImage = Array(columns[0].shape.dropFirst())
        let interleaved = Tensor.concat(columns.map { $0.reshaped([n, 1] + perImage) }, axis: 1)
        return Panel(images: interleaved.reshaped([n * columns.count] + perImage), columns: columns.count,
                     generated: generated.reshaped([n, -1]))
    }
}
