import SwiftGANDNNL

/// The geometry of a 2-D convolution from [n, ic, ih, iw] to [n, oc, oh, ow] with weights
/// [oc, ic, kh, kw]. A transposed convolution runs the same geometry backwards.
public struct ConvGeometry: Hashable, CustomStringConvertible {
    public var batch, inChannels, inHeight, inWidth, outChannels, outHeight, outWidth, kernelHeight, kernelWidth: Int
    public var stride: (Int, Int), padding: (Int, Int), paddingEnd: (Int, Int), dilation: (Int, Int)

    public static func == (a: Self, b: Self) -> Bool { a.description == b.description }
    public func hash(into hasher: inout Hasher) { hasher.combine(description) }

    public var description: String {
        "conv [\(batch), \(inChannels), \(inHeight), \(inWidth)] -> [\(batch), \(outChannels), \(outHeight), \(outWidth)], kernel \(kernelHeight)x\(kernelWidth), stride \(stride), padding \(padding)/\(paddingEnd), dilation \(dilation)"
    }

    var srcShape: [Int] { [batch, inChannels, inHeight, inWidth] }
    var dstShape: [Int] { [batch, outChannels, outHeight, outWidth] }
    var weightShape: [Int] { [outChannels, inChannels, kernelHeight, kernelWidth] }

    var c: sg_conv_geometry {
        sg_conv_geometry(n: Int64(batch), ic: Int64(inChannels), ih: Int64(inHeight), iw: Int64(inWidth),
                         oc: Int64(outChannels), oh: Int64(outHeight), ow: Int64(outWidth),
                         kh: Int64(kernelHeight), kw: Int64(kernelWidth),
                         stride_h: Int64(stride.0), stride_w: Int64(stride.1), pad_h: Int64(padding.0), pad_w: Int64(padding.1),
                         pad_h_end: Int64(paddingEnd.0), pad_w_end: Int64(paddingEnd.1),
                         dilation_h: Int64(dilation.0), dilation_w: Int64(dilation.1))
    }
}

extension Tensor {
    /// A 2-D convolution like `torch.nn.functional.conv2d`: x [n, c_in, h, w], weight
    /// [c_out, c_in, kh, kw], bias [c_out].
    public static func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1),
                              padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1)) -> Tensor {
        precondition(x.rank == 4 && weight.rank == 4 && x.shape[1] == weight.shape[1],
                     "conv2d: input \(x.shape) does not fit weight \(weight.shape)")
        let (kh, kw) = (weight.shape[2], weight.shape[3])
        let oh = (x.shape[2] + 2 * padding.0 - dilation.0 * (kh - 1) - 1) / stride.0 + 1
        let ow = (x.shape[3] + 2 * padding.1 - dilation.1 * (kw - 1) - 1) / stride.1 + 1
        precondition(oh > 0 && ow > 0, "conv2d: input \(x.shape) is smaller than the kernel \(weight.shape)")
        let geometry = ConvGeometry(batch: x.shape[0], inChannels: x.shape[1], inHeight: x.shape[2], inWidth: x.shape[3],
                                    outChannels: weight.shape[0], outHeight: oh, outWidth: ow, kernelHeight: kh, kernelWidth: kw,
                                    stride: stride, padding: padding, paddingEnd: padding, dilation: dilation)
        let y = convolution(x, weight, geometry)
        return bias.map { y + $0.reshaped([1, $0.count, 1, 1]) } ?? y
    }

    /// A 2-D transposed convolution like `torch.nn.functional.conv_transpose2d`: x
    /// [n, c_in, h, w], weight [c_in, c_out, kh, kw], bias [c_out]. The output is
    /// (h - 1)·stride - 2·padding + dilation·(k - 1) + outputPadding + 1 high (and wide).
    public static func convTranspose2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1),
                                       padding: (Int, Int) = (0, 0), outputPadding: (Int, Int) = (0, 0),
                                       dilation: (Int, Int) = (1, 1)) -> Tensor {
        precondition(x.rank == 4 && weight.rank == 4 && x.shape[1] == weight.shape[0],
                     "conv_transpose2d: input \(x.shape) does not fit weight \(weight.shape)")
        precondition(outputPadding.0 < max(stride.0, dilation.0) && outputPadding.1 < max(stride.1, dilation.1),
                     "conv_transpose2d: output padding must be smaller than stride or dilation")
        let (kh, kw) = (weight.shape[2], weight.shape[3])
        let oh = (x.shape[2] - 1) * stride.0 - 2 * padding.0 + dilation.0 * (kh - 1) + outputPadding.0 + 1
        let ow = (x.shape[3] - 1) * stride.1 - 2 * padding.1 + dilation.1 * (kw - 1) + outputPadding.1 + 1
        // The convolution this one is the adjoint of: from the output back to the input.
        let geometry = ConvGeometry(batch: x.shape[0], inChannels: weight.shape[1], inHeight: oh, inWidth: ow,
                                    outChannels: weight.shape[0], outHeight: x.shape[2], outWidth: x.shape[3],
                                    kernelHeight: kh, kernelWidth: kw, stride: stride, padding: padding,
                                    paddingEnd: (padding.0 - outputPadding.0, padding.1 - outputPadding.1), dilation: dilation)
        let y = convolutionAdjoint(x, weight, geometry)
        return bias.map { y + $0.reshaped([1, $0.count, 1, 1]) } ?? y
    }

    /// dst = conv(src, weights). Gradients: the adjoint for src, the weight gradient for weights.
    static func convolution(_ src: Tensor, _ weights: Tensor, _ g: ConvGeometry) -> Tensor {
        let out = Tensor(uninitializedShape: g.dstShape)
        Backend.current.convolutionForward(g, src: src.storage.pointer, weights: weights.storage.pointer, dst: out.storage.pointer)
        return record(out, op: "conv2d", inputs: [src, weights], detail: .convolution(g)) { grad, _, needs in
            [needs[0] ? convolutionAdjoint(grad, weights, g) : nil,
             needs[1] ? convolutionWeightGradient(src, grad, g) : nil]
        }
    }

    /// src-shaped result of the convolution's adjoint applied to dst-shaped `dst` (PyTorch's
    /// transposed convolution). It is linear in both arguments.
    static func convolutionAdjoint(_ dst: Tensor, _ weights: Tensor, _ g: ConvGeometry) -> Tensor {
        let out = Tensor(uninitializedShape: g.srcShape)
        Backend.current.convolutionBackwardData(g, diffDst: dst.storage.pointer, weights: weights.storage.pointer,
                                                diffSrc: out.storage.pointer)
        return record(out, op: "conv_transpose2d", inputs: [dst, weights], detail: .convolution(g)) { grad, _, needs in
            [needs[0] ? convolution(grad, weights, g) : nil,
             needs[1] ? convolutionWeightGradient(grad, dst, g) : nil]
        }
    }

    /// The weight gradient Σ src ⊗ dst over batch and positions. Linear in both arguments.
    static func convolutionWeightGradient(_ src: Tensor, _ dst: Tensor, _ g: ConvGeometry) -> Tensor {
        let out = Tensor(uninitializedShape: g.weightShape)
        Backend.current.convolutionBackwardWeights(g, src: src.storage.pointer, diffDst: dst.storage.pointer,
                                                   diffWeights: out.storage.pointer)
        return record(out, op: "conv2d_weight_grad", inputs: [src, dst]) { grad, _, needs in
            [needs[0] ? convolutionAdjoint(dst, grad, g) : nil,
             needs[1] ? convolution(src, grad, g) : nil]
        }
    }
}
