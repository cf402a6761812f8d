import SwiftGANEngine
import SwiftGANNN

/// An exponential moving average of a model's weights (the "EMA generator" of ProGAN and
/// StyleGAN): after each step, average ← decay·average + (1 - decay)·weights; buffers (batch
/// norm's statistics) are copied. Samples from the average are usually cleaner than from the
/// raw generator.
public final class ExponentialMovingAverage {
    public let decay: Float
    /// A copy of the model holding the averaged weights.
    public let average: any UnaryLayer
    private let source: Module

    /// `copy` must be a model of the same architecture as `model`; it is overwritten.
    public init(of model: Module, copy: any UnaryLayer, decay: Float) throws {
        self.decay = decay
        source = model
        average = copy
        try copy.loadStateDict(model.stateDict())
    }

    public func update() {
        withNoGrad {
            for ((_, avg), (_, p)) in zip(average.namedParameters(), source.namedParameters()) {
                avg.assign(avg * decay + p * (1 - decay))
            }
            for ((_, avg), (_, b)) in zip(average.namedBuffers(), source.namedBuffers()) { avg.assign(b) }
        }
    }
}
