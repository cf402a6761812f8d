import SwiftGANEngine

/// `torch.nn.ReflectionPad2d`: pads [n, c, h, w] by mirroring the image about its edges
/// (CycleGAN's generator pads this way before its 7×7 and 3×3 convolutions, so the borders
/// carry image content rather than zeros).
///
/// ```swift
/// let pad = ReflectionPad2d(3)
/// let y = pad(x)   // [n, c, 32, 32] → [n, c, 38, 38]
/// ```
public final class ReflectionPad2d: Module, UnaryLayer {
    /// Left, right, top and bottom, in PyTorch's order.
    public let padding: (left: Int, right: Int, top: Int, bottom: Int)

    public init(_ padding: Int) {
        self.padding = (padding, padding, padding, padding)
        super.init()
    }

    public init(left: Int, right: Int, top: Int, bottom: Int) {
        padding = (left, right, top, bottom)
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.reflectionPadded(left: padding.left, right: padding.right, top: padding.top, bottom: padding.bottom)
    }
}
