import SwiftGANEngine

/// A 2-D convolution like `torch.nn.Conv2d`: weight [out, in, kh, kw], bias [out], PyTorch's
/// default initialization (Kaiming-uniform with a = √5, bias U(±1/√fan_in)).
///
/// ```swift
/// let conv = Conv2d(1, 64, kernelSize: 4, stride: 2, padding: 1)
/// let y = conv(x)   // [n, 1, 28, 28] → [n, 64, 14, 14]
/// ```
public final class Conv2d: Module, UnaryLayer, SpectrallyNormalizable {
    public let weight: Tensor
    public let bias: Tensor?
    /// Spectral normalization, when applied (`applySpectralNorm`).
    public var spectralNorm: SpectralNormState?
    public let stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int)

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: (Int, Int), stride: (Int, Int) = (1, 1),
                padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1), bias: Bool = true,
                generator: inout RandomGenerator) {
        weight = Tensor.zeros([outChannels, inChannels, kernelSize.0, kernelSize.1], requiresGrad: true)
        self.bias = bias ? Tensor.zeros([outChannels], requiresGrad: true) : nil
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        super.init()
        resetParameters(generator: &generator)
    }

    public convenience init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                            dilation: Int = 1, bias: Bool = true, generator: inout RandomGenerator) {
        self.init(inChannels, outChannels, kernelSize: (kernelSize, kernelSize), stride: (stride, stride),
                  padding: (padding, padding), dilation: (dilation, dilation), bias: bias, generator: &generator)
    }

    public convenience init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                            dilation: Int = 1, bias: Bool = true) {
        self.init(inChannels, outChannels, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation,
                  bias: bias, generator: &RandomGenerator.shared)
    }

    func resetParameters(generator: inout RandomGenerator) {
        Init.kaimingUniform(weight, a: Float(5).squareRoot(), generator: &generator)
        if let bias {
            let fanIn = weight.shape[1...].reduce(1, *)
            let bound = fanIn > 0 ? 1 / Float(fanIn).squareRoot() : 0
            Init.uniform(bias, low: -bound, high: bound, generator: &generator)
        }
    }

    override public func ownParameters() -> [(String, Tensor)] {
        spectralNorm == nil ? super.ownParameters() : spectralParameters(bias: bias)
    }

    override public func ownBuffers() -> [(String, Tensor)] {
        spectralNorm.map { [("weight_u", $0.u), ("weight_v", $0.v)] } ?? []
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        Tensor.conv2d(x, weight: effectiveWeight(), bias: bias, stride: stride, padding: padding, dilation: dilation)
    }

    /// Whether `ofUpsampled` and `avgPooled` may fuse or reorder the resampling and the
    /// convolution (the default). They equal the plain composition up to float rounding;
    /// `Conv2d.$fusesResampling.withValue(false) { ... }` computes the composition itself, in
    /// PyTorch's order of operations, for comparisons that are sensitive to the last bit.
    @TaskLocal public static var fusesResampling = true

    /// Whether this is a 3×3, stride-1, padding-1 convolution, which the fused resampling
    /// forms compute with fewer multiply-adds.
    private var isSameSize3x3: Bool {
        Conv2d.fusesResampling && weight.shape[2] == 3 && weight.shape[3] == 3 && stride == (1, 1) && padding == (1, 1) && dilation == (1, 1)
    }

    /// Whether this is a 1×1 convolution, which commutes with resampling.
    private var isPointwise: Bool {
        Conv2d.fusesResampling && weight.shape[2] == 1 && weight.shape[3] == 1 && stride == (1, 1) && padding == (0, 0)
    }

    /// The layer applied to x upsampled 2× (nearest): `self(x.upsample(scale: (2, 2)))`,
    /// fused when the layer is a same-size 3×3 convolution (`Tensor.conv2dOfUpsampled`), and
    /// moved before the upsampling when it is a 1×1 convolution, with which it commutes.
    public func ofUpsampled(_ x: Tensor) -> Tensor {
        if isSameSize3x3 { return Tensor.conv2dOfUpsampled(x, weight: effectiveWeight(), bias: bias) }
        if isPointwise { return self(x).upsample(scale: (2, 2)) }
        return self(x.upsample(scale: (2, 2)))
    }

    /// The layer's output average-pooled 2×2: `self(x).avgPool2d(kernel: (2, 2))`, fused when
    /// the layer is a same-size 3×3 convolution of an even-sized x (`Tensor.avgPooledConv2d`),
    /// and with the pooling moved first when it is a 1×1 convolution, with which it commutes.
    public func avgPooled(_ x: Tensor) -> Tensor {
        guard isSameSize3x3 || isPointwise else { return self(x).avgPool2d(kernel: (2, 2)) }
        return Self.avgPooledSameSize(x, weight: effectiveWeight(), bias: bias)
    }

    /// `conv2d(x, weight, bias, padding: k/2).avgPool2d(kernel: (2, 2))` for a stride-1 k×k
    /// convolution that keeps the size: fused for 3×3 weights on an even-sized x
    /// (`Tensor.avgPooledConv2d`), the pooling moved first for 1×1 weights (they commute), else
    /// the composition (as with `fusesResampling` off).
    public static func avgPooledSameSize(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
        let k = weight.shape[2]
        let even = x.shape[2] % 2 == 0 && x.shape[3] % 2 == 0
        if fusesResampling && even && k == 3 && weight.shape[3] == 3 { return Tensor.avgPooledConv2d(x, weight: weight, bias: bias) }
        if fusesResampling && even && k == 1 && weight.shape[3] == 1 { return Tensor.conv2d(x.avgPool2d(kernel: (2, 2)), weight: weight, bias: bias) }
        return Tensor.conv2d(x, weight: weight, bias: bias, padding: (k / 2, weight.shape[3] / 2)).avgPool2d(kernel: (2, 2))
    }
}

/// A 2-D transposed convolution like `torch.nn.ConvTranspose2d`: weight [in, out, kh, kw],
/// bias [out], PyTorch's default initialization.
///
/// ```swift
/// let up = ConvTranspose2d(128, 64, kernelSize: 4, stride: 2, padding: 1)
/// let y = up(x)   // [n, 128, 7, 7] → [n, 64, 14, 14]
/// ```
public final class ConvTranspose2d: Module, UnaryLayer {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: (Int, Int), padding: (Int, Int), outputPadding: (Int, Int), dilation: (Int, Int)

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: (Int, Int), stride: (Int, Int) = (1, 1),
                padding: (Int, Int) = (0, 0), outputPadding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1),
                bias: Bool = true, generator: inout RandomGenerator) {
        weight = Tensor.zeros([inChannels, outChannels, kernelSize.0, kernelSize.1], requiresGrad: true)
        self.bias = bias ? Tensor.zeros([outChannels], requiresGrad: true) : nil
        self.stride = stride
        self.padding = padding
        self.outputPadding = outputPadding
        self.dilation = dilation
        super.init()
        // PyTorch takes fan-in from dimension 1 of the weight, as for Conv2d.
        Init.kaimingUniform(weight, a: Float(5).squareRoot(), generator: &generator)
        if let b = self.bias {
            let fanIn = weight.shape[1...].reduce(1, *)
            let bound = fanIn > 0 ? 1 / Float(fanIn).squareRoot() : 0
            Init.uniform(b, low: -bound, high: bound, generator: &generator)
        }
    }

    public convenience init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                            outputPadding: Int = 0, dilation: Int = 1, bias: Bool = true, generator: inout RandomGenerator) {
        self.init(inChannels, outChannels, kernelSize: (kernelSize, kernelSize), stride: (stride, stride),
                  padding: (padding, padding), outputPadding: (outputPadding, outputPadding),
                  dilation: (dilation, dilation), bias: bias, generator: &generator)
    }

    public convenience init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                            outputPadding: Int = 0, dilation: Int = 1, bias: Bool = true) {
        self.init(inChannels, outChannels, kernelSize: kernelSize, stride: stride, padding: padding,
                  outputPadding: outputPadding, dilation: dilation, bias: bias, generator: &RandomGenerator.shared)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        Tensor.convTranspose2d(x, weight: weight, bias: bias, stride: stride, padding: padding,
                               outputPadding: outputPadding, dilation: dilation)
    }
}
