import SwiftGANEngine

/// `torch.nn.AvgPool2d`.
public final class AvgPool2d: Module, UnaryLayer {
    public let kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int)
    public let ceilMode: Bool, countIncludePad: Bool

    public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0, ceilMode: Bool = false, countIncludePad: Bool = true) {
        kernel = (kernelSize, kernelSize)
        self.stride = (stride ?? kernelSize, stride ?? kernelSize)
        self.padding = (padding, padding)
        self.ceilMode = ceilMode
        self.countIncludePad = countIncludePad
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.avgPool2d(kernel: kernel, stride: stride, padding: padding, ceilMode: ceilMode, countIncludePad: countIncludePad)
    }
}

/// `torch.nn.MaxPool2d`.
public final class MaxPool2d: Module, UnaryLayer {
    public let kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int)
    public let ceilMode: Bool

    public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0, dilation: Int = 1, ceilMode: Bool = false) {
        kernel = (kernelSize, kernelSize)
        self.stride = (stride ?? kernelSize, stride ?? kernelSize)
        self.padding = (padding, padding)
        self.dilation = (dilation, dilation)
        self.ceilMode = ceilMode
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.maxPool2d(kernel: kernel, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
    }
}

/// `torch.nn.Upsample` with a scale factor, nearest or bilinear (align_corners=False).
public final class Upsample: Module, UnaryLayer {
    public let scale: Float
    public let mode: Tensor.UpsampleMode

    public init(scaleFactor: Float, mode: Tensor.UpsampleMode = .nearest) {
        scale = scaleFactor
        self.mode = mode
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { x.upsample(scale: (scale, scale), mode: mode) }
}
