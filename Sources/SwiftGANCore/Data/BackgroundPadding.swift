import SwiftGANEngine

extension Tensor {
    /// Images [n, C, H, W] padded with the background value -1: `vertical` rows above and below,
    /// `horizontal` columns left and right (how 28×28 data becomes 32×32 for the translators,
    /// StyleGAN and progressive growing).
    public func paddedWithBackground(vertical: (before: Int, after: Int), horizontal: (before: Int, after: Int)) -> Tensor {
        (self + 1).padded(axis: 2, before: vertical.before, after: vertical.after)
            .padded(axis: 3, before: horizontal.before, after: horizontal.after) - 1
    }
}
