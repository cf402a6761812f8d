import SwiftGANEngine
import SwiftGANNN

/// An exponential moving average of a model's weights (the "EMA generator" of ProGAN and
/// StyleGAN): after each step, average ← decay·average + (1 - decay)·weights; buffers (batch
/// norm's statistics) are copied. Samples from the average are usually cleaner than from the
/// raw generator.
public final class ExponentialMovingAverage {
    /// The weight of the average so far in the next update (a recipe may change it per step,
    /// as StyleGAN's ramp-up does).
    public var decay: Float
    /// A copy of the model holding the averaged weights.
    public let average: Module
    /// (average, source) parameter and buffer pairs, found once.
    private let parameterPairs: [(Tensor, Tensor)]
    private let bufferPairs: [(Tensor, Tensor)]

    /// `copy` must be a model of the same architecture as `model`; it is overwritten.
    public init(of model: Module, copy: Module, decay: Float) throws {
        self.decay = decay
        average = copy
        try copy.loadStateDict(model.stateDict())
        parameterPairs = Array(zip(copy.namedParameters().map(\.1), model.namedParameters().map(\.1)))
        bufferPairs = Array(zip(copy.namedBuffers().map(\.1), model.namedBuffers().map(\.1)))
    }

    public func update() {
        withNoGrad {
            for (avg, p) in parameterPairs { avg.assign(avg * decay + p * (1 - decay)) }
            for (avg, b) in bufferPairs { avg.assign(b) }
        }
    }
}
