import SwiftGANEngine
import SwiftGANNN

/// Gradient-based regularizers of the discriminator. Each differentiates D's output with
/// respect to its input with `createGraph`, so the penalty's own gradient reaches D's weights.
public enum Regularizers {
    /// The per-sample squared L2 norm of ∂ sum(D(x)) / ∂x, as [n].
    static func inputGradientSquaredNorms(_ discriminator: any UnaryLayer, at x: Tensor) -> Tensor {
        inputGradientSquaredNorms(at: x) { discriminator($0) }
    }

    /// The same for any function of the input (D after an augmentation, D with labels).
    static func inputGradientSquaredNorms(at x: Tensor, through discriminator: (Tensor) -> Tensor) -> Tensor {
        let input = x.detached()
        input.requiresGrad = true
        let gradient = grad(of: discriminator(input).sum(), wrt: [input], createGraph: true)[0]
        return gradient.reshaped([x.shape[0], -1]).pow(2).sum(axis: 1)
    }

    /// WGAN-GP's penalty E[(‖∇D(x̂)‖ - 1)²] on x̂ = εx + (1 - ε)x̃, ε ~ U[0, 1) per sample.
    public static func gradientPenalty(_ discriminator: any UnaryLayer, real: Tensor, fake: Tensor,
                                       generator: inout RandomGenerator) -> Tensor {
        var epsShape = [Int](repeating: 1, count: real.rank)
        epsShape[0] = real.shape[0]
        return gradientPenalty(discriminator, real: real, fake: fake, epsilon: generator.uniform(epsShape))
    }

    /// The penalty with given interpolation weights ε ([n, 1, …]).
    public static func gradientPenalty(_ discriminator: any UnaryLayer, real: Tensor, fake: Tensor, epsilon eps: Tensor) -> Tensor {
        let interpolates = withNoGrad { eps * real + (1 - eps) * fake }
        return (inputGradientSquaredNorms(discriminator, at: interpolates).sqrt() - 1).pow(2).mean()
    }

    /// R1 (on real data) or R2 (on fakes) of Mescheder et al.: (γ/2)·E[‖∇D(x)‖²].
    public static func gradientNormPenalty(_ discriminator: any UnaryLayer, at x: Tensor, gamma: Float) -> Tensor {
        inputGradientSquaredNorms(discriminator, at: x).mean() * (gamma / 2)
    }

    /// R1/R2 of `discriminator` as a function of its input, e.g. D after DiffAugment: the
    /// gradient is taken with respect to the images before augmentation, as the official
    /// DiffAugment code takes R1's.
    public static func gradientNormPenalty(at x: Tensor, gamma: Float, through discriminator: (Tensor) -> Tensor) -> Tensor {
        inputGradientSquaredNorms(at: x, through: discriminator).mean() * (gamma / 2)
    }
}
