import SwiftGAN
import SwiftGANTestSupport
import Testing

/// L1, PSNR and SSIM against scikit-image's (`make_translation_fixtures.py`), gray and RGB,
/// images near their targets and far from them, and the values they must give at the limits.
@Suite struct ImageSimilarityTests {
    static let fixture = try! Fixtures.load("image_similarity.safetensors")

    @Test(arguments: ["", "rgb_"])
    func matchesScikitImage(_ prefix: String) {
        let f = Self.fixture
        let (outputs, targets) = (f[prefix + "outputs"]!, f[prefix + "targets"]!)
        #expect(abs(ImageSimilarity.l1(outputs, targets) - Double(f[prefix + "l1"]!.item)) < 1e-5)
        #expect(abs(ImageSimilarity.psnr(outputs, targets) - Double(f[prefix + "psnr"]!.item)) < 1e-3)
        #expect(abs(ImageSimilarity.ssim(outputs, targets) - Double(f[prefix + "ssim"]!.item)) < 1e-4,
                "SSIM \(ImageSimilarity.ssim(outputs, targets)), scikit-image \(f[prefix + "ssim"]!.item)")
    }

    @Test func identicalImagesAreTheLimit() {
        let x = Self.fixture["targets"]!
        #expect(ImageSimilarity.l1(x, x) == 0 && ImageSimilarity.psnr(x, x) == 100)
        #expect(abs(ImageSimilarity.ssim(x, x) - 1) < 1e-5)
    }
}
