/// Unary math and activations, each with its backward rule beside it.

extension Tensor {
    /// Runs a unary kernel into a new tensor (not recorded).
    func unaryKernel(_ op: UnaryKernel, _ a: Float = 0, _ b: Float = 0) -> Tensor {
        let out = Tensor(uninitializedShape: shape)
        Backend.current.unary(op, storage.pointer, out.storage.pointer, count: count, a, b)
        return out
    }

    public func exp() -> Tensor {
        Tensor.record(unaryKernel(.exp), op: "exp", inputs: [self]) { g, out, _ in [g * out] }
    }

    public func log() -> Tensor {
        Tensor.record(unaryKernel(.log), op: "log", inputs: [self]) { g, _, _ in [g / self] }
    }

    public func sqrt() -> Tensor {
        Tensor.record(unaryKernel(.sqrt), op: "sqrt", inputs: [self]) { g, out, _ in [g / (out * 2)] }
    }

    public func tanh() -> Tensor {
        Tensor.record(unaryKernel(.tanh), op: "tanh", inputs: [self]) { g, out, _ in
            [g * (1 - out * out)]
        }
    }

    public func sigmoid() -> Tensor {
        Tensor.record(unaryKernel(.sigmoid), op: "sigmoid", inputs: [self]) { g, out, _ in
            [g * (out * (1 - out))]
        }
    }

    /// ln(1 + e^x), computed without overflow for any x.
    public func softplus() -> Tensor {
        Tensor.record(unaryKernel(.softplus), op: "softplus", inputs: [self]) { g, _, _ in
            [g * self.sigmoid()]
        }
    }

    public func relu() -> Tensor {
        Tensor.record(unaryKernel(.relu), op: "relu", inputs: [self]) { g, _, _ in
            [g * self.unaryKernel(.greaterThan, 0)]
        }
    }

    /// x for x > 0, else `negativeSlope` * x.
    public func leakyReLU(negativeSlope: Float = 0.01) -> Tensor {
        Tensor.record(unaryKernel(.leakyReLU, negativeSlope), op: "leaky_relu", inputs: [self], detail: .scalars([negativeSlope])) { g, _, _ in
            [g * self.unaryKernel(.leakySlope, negativeSlope)]
        }
    }

    public func abs() -> Tensor {
        Tensor.record(unaryKernel(.abs), op: "abs", inputs: [self]) { g, _, _ in
            [g * self.unaryKernel(.sign)]
        }
    }

    /// self raised to a scalar power; the gradient is `exponent * x^(exponent - 1)`.
    public func pow(_ exponent: Float) -> Tensor {
        Tensor.record(unaryKernel(.pow, exponent), op: "pow", inputs: [self], detail: .scalars([exponent])) { g, _, _ in
            if exponent == 0 { return [Tensor.zeros(self.shape)] }
            if exponent == 1 { return [g] }
            if exponent == 2 { return [g * self * 2] }
            return [g * self.pow(exponent - 1) * exponent]
        }
    }

    /// Values limited to [min, max]; the gradient passes where min <= x <= max, as in PyTorch.
    public func clamp(min: Float = -.infinity, max: Float = .infinity) -> Tensor {
        Tensor.record(unaryKernel(.clamp, min, max), op: "clamp", inputs: [self], detail: .scalars([min, max])) { g, _, _ in
            [g * self.unaryKernel(.inRange, min, max)]
        }
    }

    /// 1 where self > threshold, else 0 (not differentiable).
    public func greater(than threshold: Float) -> Tensor { unaryKernel(.greaterThan, threshold) }
}
