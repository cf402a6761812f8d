/// Loss functions that belong to the engine because GAN losses are built from them.

extension Tensor {
    /// Binary cross-entropy on logits, averaged, computed stably as
    /// (1 - t)·x + softplus(-x), where softplus(-x) = max(-x, 0) + log(1 + e^-|x|), like
    /// `torch.nn.functional.binary_cross_entropy_with_logits`.
    public func binaryCrossEntropyWithLogits(target: Tensor) -> Tensor {
        ((1 - target) * self + (-self).softplus()).mean()
    }

    /// Binary cross-entropy on logits against a constant label: softplus(-x) for 1 and
    /// softplus(x) for 0 exactly, so no cancellation for confident logits.
    public func binaryCrossEntropyWithLogits(target: Float) -> Tensor {
        switch target {
        case 1: (-self).softplus().mean()
        case 0: softplus().mean()
        default: (self * (1 - target) + (-self).softplus()).mean()
        }
    }

    /// Mean squared error.
    public func mseLoss(target: Tensor) -> Tensor { (self - target).pow(2).mean() }
}
