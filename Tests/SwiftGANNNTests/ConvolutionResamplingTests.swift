import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// `Conv2d.ofUpsampled` and `Conv2d.avgPooled`, which BigGAN's residual blocks use.
@Suite struct ConvolutionResamplingTests {
    /// The layer helpers take the fused path for 3×3 same-size convolutions, commute 1×1 ones,
    /// and fall back to the plain composition for anything else — all equal to the composition.
    @Test func convLayerHelpersEqualTheComposition() {
        var rng = RandomGenerator(seed: 3)
        let x = rng.normal([2, 4, 6, 6])
        for (kernel, padding) in [(3, 1), (1, 0), (3, 0), (5, 2)] {
            let conv = Conv2d(4, 5, kernelSize: kernel, padding: padding, generator: &rng)
            #expect(relativeError(conv.ofUpsampled(x), conv(x.upsample(scale: (2, 2)))) < 1e-5, "ofUpsampled, kernel \(kernel)")
            #expect(relativeError(conv.avgPooled(x), conv(x).avgPool2d(kernel: (2, 2))) < 1e-5, "avgPooled, kernel \(kernel)")
        }
    }
}
