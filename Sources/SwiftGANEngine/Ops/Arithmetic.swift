/// Broadcasting arithmetic: +, -, *, / between tensors and with scalars, maximum and minimum.

extension Tensor {
    /// Runs a binary kernel over the broadcast shape of `a` and `b` (not recorded).
    static func broadcastKernel(_ op: BinaryKernel, _ a: Tensor, _ b: Tensor) -> Tensor {
        // Same shapes, or a one-element operand no larger in rank: one flat loop, no stride arrays.
        if a.shape == b.shape || (b.count == 1 && b.rank <= a.rank) || (a.count == 1 && a.rank <= b.rank) {
            let out = Tensor(uninitializedShape: a.count == 1 && a.rank <= b.rank && a.shape != b.shape ? b.shape : a.shape)
            Backend.current.binary(op, count: out.count, a.storage.pointer, stride: a.count == out.count ? 1 : 0,
                                   b.storage.pointer, stride: b.count == out.count ? 1 : 0, into: out.storage.pointer)
            return out
        }
        guard let shape = Shape.broadcast(a.shape, b.shape) else {
            preconditionFailure("shapes \(a.shape) and \(b.shape) do not broadcast")
        }
        let out = Tensor(uninitializedShape: shape)
        let (dims, strides) = Shape.coalesce(shape, [Shape.broadcastStrides(a.shape, to: shape),
                                                     Shape.broadcastStrides(b.shape, to: shape)])
        Backend.current.binary(op, shape: dims, a.storage.pointer, strides: strides[0],
                               b.storage.pointer, strides: strides[1], into: out.storage.pointer)
        return out
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor {
        record(broadcastKernel(.add, a, b), op: "add", inputs: [a, b]) { g, _, needs in
            [needs[0] ? g.sum(to: a.shape) : nil, needs[1] ? g.sum(to: b.shape) : nil]
        }
    }

    public static func - (a: Tensor, b: Tensor) -> Tensor {
        record(broadcastKernel(.subtract, a, b), op: "sub", inputs: [a, b]) { g, _, needs in
            [needs[0] ? g.sum(to: a.shape) : nil, needs[1] ? (-g).sum(to: b.shape) : nil]
        }
    }

    public static func * (a: Tensor, b: Tensor) -> Tensor {
        record(broadcastKernel(.multiply, a, b), op: "mul", inputs: [a, b]) { g, _, needs in
            [needs[0] ? (g * b).sum(to: a.shape) : nil, needs[1] ? (g * a).sum(to: b.shape) : nil]
        }
    }

    public static func / (a: Tensor, b: Tensor) -> Tensor {
        record(broadcastKernel(.divide, a, b), op: "div", inputs: [a, b]) { g, out, needs in
            [needs[0] ? (g / b).sum(to: a.shape) : nil,
             needs[1] ? (-(g * out) / b).sum(to: b.shape) : nil]
        }
    }

    /// The elementwise maximum; where both are equal the gradient is split evenly, as in PyTorch.
    public func maximum(_ other: Tensor) -> Tensor { Tensor.extremum(self, other, .maximum) }
    /// The elementwise minimum; where both are equal the gradient is split evenly, as in PyTorch.
    public func minimum(_ other: Tensor) -> Tensor { Tensor.extremum(self, other, .minimum) }

    private static func extremum(_ a: Tensor, _ b: Tensor, _ kernel: BinaryKernel) -> Tensor {
        record(broadcastKernel(kernel, a, b), op: kernel == .maximum ? "maximum" : "minimum",
               inputs: [a, b]) { g, _, needs in
            let aWins = kernel == .maximum ? broadcastKernel(.greater, a, b) : broadcastKernel(.greater, b, a)
            let tie = broadcastKernel(.equal, a, b)
            let aShare = aWins + tie * 0.5
            let bShare = (1 - aWins) - tie * 0.5
            return [needs[0] ? (g * aShare).sum(to: a.shape) : nil, needs[1] ? (g * bShare).sum(to: b.shape) : nil]
        }
    }

    /// 1 where self > other, else 0 (not differentiable).
    public func greater(_ other: Tensor) -> Tensor { Tensor.broadcastKernel(.greater, self, other) }
    /// 1 where self >= other, else 0 (not differentiable).
    public func greaterEqual(_ other: Tensor) -> Tensor { Tensor.broadcastKernel(.greaterEqual, self, other) }
    /// 1 where self == other, else 0 (not differentiable).
    public func equal(_ other: Tensor) -> Tensor { Tensor.broadcastKernel(.equal, self, other) }

    public static prefix func - (a: Tensor) -> Tensor {
        record(a.unaryKernel(.negate), op: "neg", inputs: [a]) { g, _, _ in [-g] }
    }

    /// a * self + b in one pass.
    public func affine(scale: Float, shift: Float) -> Tensor {
        Tensor.record(unaryKernel(.affine, scale, shift), op: "affine", inputs: [self], detail: .scalars([scale, shift])) { g, _, _ in
            [scale == 1 ? g : g * scale]
        }
    }

    public static func + (a: Tensor, s: Float) -> Tensor { a.affine(scale: 1, shift: s) }
    public static func + (s: Float, a: Tensor) -> Tensor { a.affine(scale: 1, shift: s) }
    public static func - (a: Tensor, s: Float) -> Tensor { a.affine(scale: 1, shift: -s) }
    public static func - (s: Float, a: Tensor) -> Tensor { a.affine(scale: -1, shift: s) }
    public static func * (a: Tensor, s: Float) -> Tensor { a.affine(scale: s, shift: 0) }
    public static func * (s: Float, a: Tensor) -> Tensor { a.affine(scale: s, shift: 0) }
    public static func / (a: Tensor, s: Float) -> Tensor { a.affine(scale: 1 / s, shift: 0) }

    /// s / self.
    public static func / (s: Float, a: Tensor) -> Tensor {
        Tensor.record(a.unaryKernel(.reciprocal, s), op: "rdiv", inputs: [a], detail: .scalars([s])) { g, out, _ in
            [-(g * out) / a]
        }
    }
}
