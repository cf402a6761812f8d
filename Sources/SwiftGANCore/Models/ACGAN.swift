import SwiftGANEngine
import SwiftGANNN

/// The discriminator of AC-GAN (Odena et al. 2017) on the conditional DCGAN's trunk: it sees the
/// image alone and answers twice, whether it is real (`adv`, one logit) and which class it shows
/// (`aux`, K logits). Keys `net.0`, `net.2` (the projection discriminator's spectrally normalized
/// convolutions), `adv` and `aux` (spectrally normalized linear heads on the 128·7·7 features).
///
/// ```swift
/// var rng = RandomGenerator(seed: 0)
/// let d = AuxiliaryClassifierDiscriminator(classes: 10, generator: &rng)
/// let (adversarial, classLogits) = d(images)   // [n, 1] and [n, 10]
/// ```
public final class AuxiliaryClassifierDiscriminator: Module {
    public let net: Sequential
    /// Real or fake: [n, 6272] → [n, 1].
    public let adv: Linear
    /// The auxiliary classifier: [n, 6272] → [n, classes].
    public let aux: Linear

    public init(classes: Int = 10, generator rng: inout RandomGenerator) {
        net = conditionalDiscriminatorTrunk(inputChannels: 1, generator: &rng)
        adv = Linear(ProjectionDiscriminator.features, 1, generator: &rng)
        aux = Linear(ProjectionDiscriminator.features, classes, generator: &rng)
        super.init()
        applySpectralNormToAllLayers(generator: &rng)
    }

    public var classCount: Int { aux.weight.shape[0] }

    /// images [n, 1, 28, 28] → the adversarial logits [n, 1] and the class logits [n, classes].
    public func callAsFunction(_ x: Tensor) -> (adversarial: Tensor, classLogits: Tensor) {
        let h = net(x)
        return (adv(h), aux(h))
    }
}
