import SwiftGANEngine

/// Evaluates `loss` and its gradient with respect to `model`'s parameters only, in the order of
/// `model.parameters()`. Other modules the loss passes through get no weight gradients computed
/// (the generator's step leaves the discriminator's weights alone), in the spirit of MLX's
/// `valueAndGrad`.
///
/// ```swift
/// let (lossG, gradsG) = valueAndGrad(generator) {
///     discriminator(generator(z)).binaryCrossEntropyWithLogits(target: 1)
/// }
/// optimizerG.update(gradsG)
/// ```
public func valueAndGrad(_ model: Module, _ loss: () -> Tensor) -> (Tensor, [Tensor]) {
    valueAndGrad(model.parameters(), loss)
}

/// Evaluates `loss` and its gradient with respect to `parameters` (an optimizer's list, found
/// once rather than by reflection on every step).
public func valueAndGrad(_ parameters: [Tensor], _ loss: () -> Tensor) -> (Tensor, [Tensor]) {
    let value = loss()
    return (value, grad(of: value, wrt: parameters))
}
