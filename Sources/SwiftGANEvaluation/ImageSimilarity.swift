import Foundation
import SwiftGANEngine

/// Per-image similarity of outputs to their targets, for paired translation (Pix2Pix): mean
/// absolute error, PSNR and SSIM. Images are [n, C, H, W] in [-1, 1]; PSNR and SSIM see them
/// mapped to [0, 1] (data range 1), each averaged over the images.
public enum ImageSimilarity {
    /// Mean |output − target| in [-1, 1] units, over every value.
    public static func l1(_ outputs: Tensor, _ targets: Tensor) -> Double {
        precondition(outputs.shape == targets.shape, "l1: shapes \(outputs.shape) and \(targets.shape)")
        return Double(withNoGrad { (outputs - targets).abs().mean().item })
    }

    /// Peak signal-to-noise ratio in dB, 10·log10(1 / MSE) of each image in [0, 1], averaged over
    /// the images (an image equal to its target counts as 100 dB rather than infinity).
    public static func psnr(_ outputs: Tensor, _ targets: Tensor) -> Double {
        precondition(outputs.shape == targets.shape, "psnr: shapes \(outputs.shape) and \(targets.shape)")
        let n = outputs.shape[0]
        // MSE in [0, 1] units is a quarter of the MSE in [-1, 1] units.
        let mse = withNoGrad { ((outputs - targets) * 0.5).pow(2).reshaped([n, -1]).mean(axes: [1]).scalars }
        return mse.map { $0 > 0 ? min(100, 10 * log10(1 / Double($0))) : 100 }.reduce(0, +) / Double(n)
    }

    /// Structural similarity (Wang et al. 2004) with their constants: an 11×11 Gaussian window of
    /// σ 1.5 over the valid positions only (no padding), K1 0.01, K2 0.03, data range 1, per
    /// channel; the mean of the SSIM map, averaged over channels and images. Images smaller than
    /// the window are a precondition failure (translation images are 28×28 or larger).
    public static func ssim(_ outputs: Tensor, _ targets: Tensor) -> Double {
        precondition(outputs.shape == targets.shape && outputs.rank == 4, "ssim: shapes \(outputs.shape) and \(targets.shape)")
        let (n, c, h, w) = (outputs.shape[0], outputs.shape[1], outputs.shape[2], outputs.shape[3])
        precondition(h >= 11 && w >= 11, "ssim needs images of at least 11×11, got \(h)×\(w)")
        return withNoGrad {
            let x = ((outputs + 1) * 0.5).reshaped([n * c, 1, h, w]), y = ((targets + 1) * 0.5).reshaped([n * c, 1, h, w])
            let window = gaussianWindow
            func blur(_ t: Tensor) -> Tensor { Tensor.conv2d(t, weight: window) }
            let (mx, my) = (blur(x), blur(y))
            let (vx, vy, cxy) = (blur(x * x) - mx * mx, blur(y * y) - my * my, blur(x * y) - mx * my)
            let (c1, c2): (Float, Float) = (0.01 * 0.01, 0.03 * 0.03)
            let map = ((mx * my * 2 + c1) * (cxy * 2 + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
            return Double(map.mean().item)
        }
    }

    /// The normalized 11×11 Gaussian of σ 1.5, as a [1, 1, 11, 11] convolution weight.
    static let gaussianWindow: Tensor = {
        let g = (0..<11).map { i -> Double in exp(-Double((i - 5) * (i - 5)) / (2 * 1.5 * 1.5)) }
        let total = g.reduce(0, +)
        let normalized = g.map { $0 / total }
        return Tensor((0..<121).map { Float(normalized[$0 / 11] * normalized[$0 % 11]) }, shape: [1, 1, 11, 11])
    }()
}
