import SwiftGANEngine

/// Returns its input, like `torch.nn.Identity`: it holds a place in a `Sequential` where a
/// layer is switched off, so the other layers keep their indices and parameter names.
public final class Identity: Module, UnaryLayer {
    public override init() { super.init() }

    public func callAsFunction(_ x: Tensor) -> Tensor { x }
}
